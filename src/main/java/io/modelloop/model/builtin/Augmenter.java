package io.modelloop.model.builtin;

import java.util.Random;

/** Training-time augmentation of a channel-first image: a horizontal flip half the time and a shift of a few pixels (edges repeated). */
final class Augmenter {

    private final Random random;

    Augmenter(long seed) {
        this.random = new Random(seed);
    }

    float[] apply(float[] image, int h, int w) {
        boolean flip = random.nextBoolean();
        int maxShift = Math.max(1, Math.min(h, w) / 12);
        int dy = random.nextInt(2 * maxShift + 1) - maxShift;
        int dx = random.nextInt(2 * maxShift + 1) - maxShift;
        if (!flip && dx == 0 && dy == 0) {
            return image;
        }
        float[] out = new float[image.length];
        int plane = h * w;
        int channels = image.length / plane;
        for (int c = 0; c < channels; c++) {
            int base = c * plane;
            for (int y = 0; y < h; y++) {
                int sy = Math.min(h - 1, Math.max(0, y - dy));
                for (int x = 0; x < w; x++) {
                    int sx = Math.min(w - 1, Math.max(0, x - dx));
                    if (flip) {
                        sx = w - 1 - sx;
                    }
                    out[base + y * w + x] = image[base + sy * w + sx];
                }
            }
        }
        return out;
    }
}
