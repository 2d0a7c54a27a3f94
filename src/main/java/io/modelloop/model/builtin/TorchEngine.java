package io.modelloop.model.builtin;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DJL's PyTorch engine, loaded once, with NNPACK switched off. libtorch asks NNPACK whether it may
 * run every convolution and, on a CPU NNPACK does not support, logs "Could not initialize NNPACK!
 * Reason: Unsupported hardware." each time (thousands of lines per training). DJL exposes no switch
 * for it, so this calls libtorch's own at::globalContext().setUserEnabledNNPACK(false), the call
 * behind Python's torch.backends.nnpack.set_flags(False); convolutions then use the default CPU
 * kernels. -Dmodelloop.builtin.nnpack=true keeps NNPACK (on hardware it supports it may be faster).
 */
public final class TorchEngine {

    public static final String NNPACK_PROPERTY = "modelloop.builtin.nnpack";
    private static final Logger LOG = LoggerFactory.getLogger(TorchEngine.class);
    // exported C++ symbols of libtorch_cpu (Itanium ABI): at::globalContext(), at::Context::setUserEnabledNNPACK(bool)
    private static final String GLOBAL_CONTEXT = "_ZN2at13globalContextEv";
    private static final String SET_USER_ENABLED_NNPACK = "_ZN2at7Context20setUserEnabledNNPACKEb";

    private static volatile Engine engine;

    private TorchEngine() {
    }

    /** The PyTorch engine, NNPACK settled before it runs its first convolution. */
    public static Engine get() {
        Engine e = engine;
        if (e == null) {
            synchronized (TorchEngine.class) {
                e = engine;
                if (e == null) {
                    e = Engine.getEngine(NetworkTrainer.ENGINE);
                    if (!Boolean.getBoolean(NNPACK_PROPERTY)) {
                        disableNnpack();
                    }
                    engine = e;
                }
            }
        }
        return e;
    }

    private static void disableNnpack() {
        try {
            Path lib = Path.of(LibUtils.getLibtorchPath()).resolve(System.mapLibraryName("torch_cpu"));
            if (!Files.isRegularFile(lib)) {
                LOG.debug("NNPACK left as it is: no {}", lib);
                return;
            }
            // the library DJL loaded already: dlopen hands back the same one
            NativeLibrary torch = NativeLibrary.getInstance(lib.toString());
            Pointer context = torch.getFunction(GLOBAL_CONTEXT).invokePointer(new Object[0]);
            torch.getFunction(SET_USER_ENABLED_NNPACK).invoke(Void.class, new Object[] {context, Boolean.FALSE});
            LOG.debug("NNPACK disabled in libtorch ({} to keep it)", "-D" + NNPACK_PROPERTY + "=true");
        } catch (RuntimeException | LinkageError e) {
            // another libtorch build or platform: its log may be noisier, nothing else changes
            LOG.info("Could not switch NNPACK off in libtorch ({}); libtorch may log NNPACK warnings", e.toString());
        }
    }
}
