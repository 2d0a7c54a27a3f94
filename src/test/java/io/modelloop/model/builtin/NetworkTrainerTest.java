package io.modelloop.model.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.Shape;
import io.modelloop.model.TrainingImages;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The built-in CNN's trainer on generated pictures of three labels. */
class NetworkTrainerTest {

    static final int SIZE = 24;

    /**
     * BuiltinModelSettings refuses a learning rate of 1 or more, and Adam stays finite well beyond
     * that (1e10 still gives finite losses), so the trainer is given an absurd rate directly.
     */
    @Test
    void aLossThatIsNoLongerANumberStopsTheTrainingAtThatEpoch() {
        List<float[]> pixels = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        pictures(pixels, labels);
        List<Integer> epochsDone = new ArrayList<>();

        assertThatThrownBy(() -> NetworkTrainer.train(Architecture.cnnFor(SIZE).newBlock(3), new Shape(3, SIZE, SIZE),
                pixels, labels.stream().mapToInt(Integer::intValue).toArray(),
                new NetworkTrainer.Options(6, 8, 1e20, 42, false), (epoch, epochs, loss) -> epochsDone.add(epoch),
                () -> false))
                .hasMessage("Training diverged: loss is NaN at epoch 1; lower modelloop.builtin.learning-rate");
        assertThat(epochsDone).as("stopped in the epoch the loss broke, not after all six").isEmpty();
    }

    private static void pictures(List<float[]> pixels, List<Integer> labels) {
        ImageDecoder decoder = new ImageDecoder(1 << 20, 1 << 20);
        List<String> kinds = List.of(TrainingImages.CIRCLE, TrainingImages.STRIPES, TrainingImages.CHECKERS);
        Random random = new Random(7);
        for (int label = 0; label < kinds.size(); label++) {
            for (int i = 0; i < 8; i++) {
                byte[] png = TrainingImages.encode(TrainingImages.draw(kinds.get(label), random), "png");
                pixels.add(decoder.decodeForModel(png, SIZE, Normalisation.CENTRED, ImageInput.RGB, false).pixels());
                labels.add(label);
            }
        }
    }
}
