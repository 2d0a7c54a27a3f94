package io.modelloop.model.builtin;

import ai.djl.ndarray.types.Shape;
import com.sun.jna.NativeLibrary;
import ai.djl.pytorch.jni.LibUtils;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Run in a child JVM by NnpackTest: trains the built-in CNN for two epochs on random pictures in
 * batches of 32 (libtorch consults NNPACK for every such convolution), then prints whether
 * libtorch still has NNPACK enabled. What libtorch logs goes to this process's native stderr.
 */
public final class NnpackProbe {

    public static void main(String[] args) {
        DjlEnvironment.prepare(Path.of(args[0]));
        int size = 24;
        Random random = new Random(1);
        List<float[]> x = new ArrayList<>();
        int[] y = new int[64];
        for (int i = 0; i < y.length; i++) {
            float[] pixels = new float[3 * size * size];
            for (int p = 0; p < pixels.length; p++) {
                pixels[p] = random.nextFloat();
            }
            x.add(pixels);
            y[i] = i % 2;
        }
        try (NetworkTrainer.TrainedNetwork net = NetworkTrainer.train(Architecture.cnnFor(size).newBlock(2),
                new Shape(3, size, size), x, y, new NetworkTrainer.Options(2, 32, 0.002, 1, false),
                (epoch, epochs, loss) -> System.out.println("epoch " + epoch + "/" + epochs), () -> false)) {
            NativeLibrary torch = NativeLibrary.getInstance(
                    Path.of(LibUtils.getLibtorchPath()).resolve(System.mapLibraryName("torch_cpu")).toString());
            Object context = torch.getFunction("_ZN2at13globalContextEv").invokePointer(new Object[0]);
            // bool in the low byte of the return register
            int enabled = torch.getFunction("_ZNK2at7Context17userEnabledNNPACKEv").invokeInt(new Object[] {context}) & 0xff;
            System.out.println("NNPACK enabled: " + (enabled != 0));
        }
    }
}
