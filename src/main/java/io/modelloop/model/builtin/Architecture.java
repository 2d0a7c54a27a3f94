package io.modelloop.model.builtin;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.List;

/**
 * The network a version was trained with, as model.json records it so any pod can rebuild it.
 *
 * @param type        {@link #CNN}: conv/BN/ReLU/max-pool blocks, one per entry of channels, then
 *                    flatten, dropout and a linear layer; {@link #BACKBONE_HEAD}: a frozen
 *                    pretrained backbone and a linear classifier on its features
 * @param channels    filters of each conv block (CNN)
 * @param dropout     dropout rate before the linear layer (CNN)
 * @param backbone    the backbone's ONNX file or URL, DJL model URL or TorchScript path (backbone head)
 * @param backboneSha256 SHA-256 of a backbone named by an http(s) URL: its copy in the bucket is
 *                    models/backbones/&lt;sha256&gt;.&lt;ext&gt; (backbone head)
 * @param featureSize length of the backbone's feature vector (backbone head)
 * @param featureMean per-feature mean of the training images' features, subtracted before the head
 * @param featureStd  per-feature standard deviation, divided by before the head
 */
public record Architecture(String type, List<Integer> channels, Double dropout, String backbone, String backboneSha256,
                           Integer featureSize, List<Double> featureMean, List<Double> featureStd) {

    public static final String CNN = "cnn";
    public static final String BACKBONE_HEAD = "backbone-linear-head";

    /** A CNN for this image size: 32, 64, then 128 filters, halving the side while it stays >= 3 px (at most 5 blocks). */
    public static Architecture cnnFor(int imageSize) {
        List<Integer> channels = new ArrayList<>();
        int side = imageSize;
        int filters = 32;
        while (channels.size() < 5 && side / 2 >= 3) {
            channels.add(filters);
            side /= 2;
            filters = Math.min(filters * 2, 128);
        }
        return new Architecture(CNN, channels, 0.3, null, null, null, null, null);
    }

    public static Architecture backboneHead(String backbone, String sha256, int featureSize, List<Double> mean,
                                            List<Double> std) {
        return new Architecture(BACKBONE_HEAD, null, null, backbone, sha256, featureSize, mean, std);
    }

    public boolean isCnn() {
        return CNN.equals(type);
    }

    /** The trainable block: the whole CNN, or the linear head of a backbone. */
    public Block newBlock(int classes) {
        if (isCnn()) {
            SequentialBlock net = new SequentialBlock();
            for (int filters : channels) {
                net.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                                .setFilters(filters).optBias(false).build())
                        .add(BatchNorm.builder().build())
                        .add(Activation.reluBlock())
                        .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
            }
            net.add(Blocks.batchFlattenBlock());
            if (dropout != null && dropout > 0) {
                net.add(Dropout.builder().optRate(dropout.floatValue()).build());
            }
            net.add(Linear.builder().setUnits(classes).build());
            return net;
        }
        if (BACKBONE_HEAD.equals(type)) {
            return Linear.builder().setUnits(classes).build();
        }
        throw new IllegalStateException("unknown architecture " + type);
    }
}
