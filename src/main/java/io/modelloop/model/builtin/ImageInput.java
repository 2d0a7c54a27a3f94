package io.modelloop.model.builtin;

/**
 * What the built-in network sees of an image. A version records the one it was trained with, and
 * serving uses the same.
 */
public enum ImageInput {
    /**
     * The object, not the backdrop: the image is cropped to what differs from its background (the
     * mean colour of its border), and each pixel becomes how much it differs from that background
     * (0 on the background, 1 for the strongest contrast), the same in all three channels. A logo
     * is then alike on a light or a dark background, large or small, wherever it sits; colour
     * itself is not seen, only contrast.
     */
    INK,
    /** The colours as they are, the whole image scaled into the square (the default, and every version trained before INK existed). */
    RGB
}
