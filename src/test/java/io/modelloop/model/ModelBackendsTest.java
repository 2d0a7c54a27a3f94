package io.modelloop.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelloop.config.ConfigurationException;
import io.modelloop.config.Settings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelBackendsTest {

    static Settings settings(Map<String, String> extra) {
        var o = new java.util.HashMap<String, String>(Map.of("modelloop.profile", "local", "modelloop.data", "target/mb-test"));
        o.putAll(extra);
        return Settings.load(Path.of("config"), Map.of(), o);
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
    void badValuesAndUnknownBackendsAreConfigurationErrors() {
        assertThatThrownBy(() -> ModelBackends.builtinSettings(settings(Map.of("modelloop.builtin.learning-rate", "fast"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("learning-rate");
        assertThatThrownBy(() -> ModelBackends.create(settings(Map.of("modelloop.model.backend", "magic")), null, "b"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("builtin or rekognition");
    }
}
