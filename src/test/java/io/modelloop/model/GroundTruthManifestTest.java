package io.modelloop.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroundTruthManifestTest {

    @Test
    void writesOneGroundTruthLinePerImageWithTheFolderAsClassName() throws Exception {
        String text = GroundTruthManifest.write(List.of(
                new GroundTruthManifest.Entry("b", "images_labeled_by_folder/dog/1.jpg", "dog"),
                new GroundTruthManifest.Entry("b", "images_labeled_by_folder/cat/a b+ü.png", "cat")),
                Instant.parse("2026-11-24T10:00:00Z"));
        String[] lines = text.split("\n");
        assertThat(lines).hasSize(2);
        JsonNode first = new ObjectMapper().readTree(lines[0]);
        assertThat(first.path("source-ref").asText()).isEqualTo("s3://b/images_labeled_by_folder/dog/1.jpg");
        JsonNode meta = first.path("modelloop-label-metadata");
        assertThat(meta.path("class-name").asText()).isEqualTo("dog");
        assertThat(meta.path("type").asText()).isEqualTo("groundtruth/image-classification");
        assertThat(meta.path("human-annotated").asText()).isEqualTo("yes");
        assertThat(meta.path("creation-date").asText()).startsWith("2026-11-24T10:00:00");
        // class ids follow sorted class names: cat 0, dog 1
        assertThat(first.path("modelloop-label").asInt()).isEqualTo(1);
        assertThat(new ObjectMapper().readTree(lines[1]).path("modelloop-label").asInt()).isZero();

        assertThat(GroundTruthManifest.parse(text)).containsExactly(
                new GroundTruthManifest.Entry("b", "images_labeled_by_folder/dog/1.jpg", "dog"),
                new GroundTruthManifest.Entry("b", "images_labeled_by_folder/cat/a b+ü.png", "cat"));
    }

    @Test
    void readsManifestsWithAnotherLabelAttributeAndRefusesBrokenLines() {
        String foreign = "{\"source-ref\":\"s3://x/k.jpg\",\"animal\":0,\"animal-metadata\":{\"class-name\":\"owl\"}}\n";
        assertThat(GroundTruthManifest.parse(foreign)).containsExactly(new GroundTruthManifest.Entry("x", "k.jpg", "owl"));
        assertThatThrownBy(() -> GroundTruthManifest.parse("{\"source-ref\":\"s3://x/k.jpg\"}"))
                .hasMessageContaining("line 1").hasMessageContaining("class-name");
        assertThatThrownBy(() -> GroundTruthManifest.parse("not json")).hasMessageContaining("line 1");
    }
}
