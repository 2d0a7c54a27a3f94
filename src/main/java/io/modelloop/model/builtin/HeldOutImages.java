package io.modelloop.model.builtin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.io.IOException;
import java.util.List;

/**
 * models/&lt;version&gt;/held-out.json: the images a version held out of its training, with their
 * label and the label the version predicted for them when it was evaluated. The champion/
 * challenger gate scores the serving version on the same images and compares.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record HeldOutImages(List<Image> images) {

    public static final String FILE = "held-out.json";

    /** One held-out image: where it is, its true label and what the version predicted. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Image(String bucket, String key, String label, String predicted) {
    }

    public byte[] toBytes() {
        try {
            return ArtifactStore.JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static HeldOutImages fromBytes(byte[] bytes) {
        try {
            return ArtifactStore.JSON.readValue(bytes, HeldOutImages.class);
        } catch (IOException e) {
            throw new IllegalStateException(FILE + " is not readable: " + e.getMessage(), e);
        }
    }
}
