package io.modelloop.model.backends;

import io.modelloop.config.ConfigurationException;
import io.modelloop.config.Settings;
import io.modelloop.model.backends.ModelBackends;
import io.modelloop.model.builtin.Normalisation;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


class ModelBackendsTest {

    static Settings settings(Map<String, String> extra) {
        var o = new java.util.HashMap<String, String>(Map.of("camel.main.profile", "local", "modelloop.data", "target/mb-test"));
        o.putAll(extra);
        return Settings.load(Path.of("config"), o);
    }

    @Test
    void builtinSettingsComeFromConfiguration() {
        var b = ModelBackends.builtinSettings(settings(Map.of("modelloop.builtin.epochs", "7",
                "modelloop.builtin.image-size", "48", "modelloop.builtin.augment", "false",
                "modelloop.builtin.learning-rate", "0.01")));
        assertThat(b.epochs()).isEqualTo(7);
        assertThat(b.imageSize()).isEqualTo(48);
        assertThat(b.augment()).isFalse();
        assertThat(b.learningRate()).isEqualTo(0.01);
        assertThat(ModelBackends.builtinSettings(settings(Map.of())).augment()).isTrue();
    }

    @Test
    void backboneChecksumScalingAndFallbackComeFromConfiguration() {
        var b = ModelBackends.builtinSettings(settings(Map.of(
                "modelloop.builtin.backbone", "https://models.example/mobilenet_v2.onnx",
                "modelloop.builtin.backbone-sha256", "AB".repeat(32),
                "modelloop.builtin.backbone-normalisation", "minus-one-to-one",
                "modelloop.builtin.backbone-fallback", "fail")));
        assertThat(b.backbone()).isEqualTo("https://models.example/mobilenet_v2.onnx");
        assertThat(b.backboneOptions().sha256()).isEqualTo("ab".repeat(32));
        assertThat(b.backboneOptions().normalisation()).isEqualTo(Normalisation.CENTRED);
        assertThat(b.backboneOptions().fallbackToScratch()).isFalse();
        var defaults = ModelBackends.builtinSettings(settings(Map.of())).backboneOptions();
        assertThat(defaults.sha256()).isNull();
        assertThat(defaults.normalisation()).as("what the file declares, else ImageNet").isNull();
        assertThat(defaults.fallbackToScratch()).isTrue();
        assertThatThrownBy(() -> ModelBackends.builtinSettings(settings(Map.of("modelloop.builtin.backbone-sha256", "abc"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("64 hexadecimal digits");
        assertThatThrownBy(() -> ModelBackends.builtinSettings(settings(Map.of(
                "modelloop.builtin.backbone-normalisation", "tf")))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("imagenet, minus-one-to-one or zero-to-one");
    }

    @Test
    void badValuesAndUnknownBackendsAreConfigurationErrors() {
        assertThatThrownBy(() -> ModelBackends.builtinSettings(settings(Map.of("modelloop.builtin.learning-rate", "fast"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("learning-rate");
        assertThatThrownBy(() -> ModelBackends.create(settings(Map.of("modelloop.model.backend", "magic")), null, "b"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("builtin or rekognition");
    }
}
