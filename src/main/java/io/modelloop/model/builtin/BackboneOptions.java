package io.modelloop.model.builtin;

import java.util.Locale;

/**
 * How to fetch and feed a backbone.
 *
 * @param sha256        expected SHA-256 (hex) of a backbone named by an http(s) URL: required to
 *                      download it; the file is then cached in the bucket under its checksum
 * @param normalisation how the backbone expects pixels scaled; null: what the model file declares
 *                      (ONNX metadata modelloop.normalisation), else ImageNet mean/std
 * @param fallbackToScratch when a URL backbone cannot be downloaded: train the compact CNN from
 *                      scratch instead (and say so in the version and a notification), or fail the training
 */
public record BackboneOptions(String sha256, Normalisation normalisation, boolean fallbackToScratch) {

    public static final BackboneOptions NONE = new BackboneOptions(null, null, true);

    public BackboneOptions {
        sha256 = sha256 == null || sha256.isBlank() ? null : sha256.trim().toLowerCase(Locale.ROOT);
        if (sha256 != null && !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a backbone's SHA-256 is 64 hexadecimal digits, not '" + sha256 + "'");
        }
    }
}
