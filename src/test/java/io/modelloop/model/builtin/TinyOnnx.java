package io.modelloop.model.builtin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a tiny ONNX model by hand (protobuf wire format, onnx.proto field numbers): input
 * "pixels" of the given shape (an NHWC input is transposed to NCHW first), global average pool,
 * flatten: the features are the per-channel means. Stands in for backbones of any layout or size.
 */
public final class TinyOnnx {

    private TinyOnnx() {
    }

    /** @param shape input dims; 0 = free (named) */
    public static Path write(Path file, boolean channelsLast, long... shape) {
        return write(file, channelsLast, 0, shape);
    }

    /**
     * An NCHW model of this fixed size that average-pools to 4 x 4 instead: 48 features, enough to
     * tell the test pictures apart.
     */
    public static Path writePooled(Path file, int size) {
        return write(file, false, size / 4, 0, 3, size, size);
    }

    private static Path write(Path file, boolean channelsLast, int poolKernel, long... shape) {
        ByteArrayOutputStream graph = new ByteArrayOutputStream();
        String pooled = "x";
        if (channelsLast) {
            msg(graph, 1, node("Transpose", "pixels", "x", ints("perm", 0, 3, 1, 2)));
        } else {
            msg(graph, 1, node("Identity", "pixels", "x", null));
        }
        if (poolKernel > 0) {
            ByteArrayOutputStream pool = new ByteArrayOutputStream();
            msg(pool, 5, ints("kernel_shape", poolKernel, poolKernel));
            msg(pool, 5, ints("strides", poolKernel, poolKernel));
            msg(graph, 1, node("AveragePool", pooled, "pooled", null, pool.toByteArray()));
        } else {
            msg(graph, 1, node("GlobalAveragePool", pooled, "pooled", null));
        }
        msg(graph, 1, node("Flatten", "pooled", "features", null));
        str(graph, 2, "tiny");
        msg(graph, 11, valueInfo("pixels", shape));
        msg(graph, 12, valueInfo("features", 0, (channelsLast ? shape[3] : shape[1]) * (poolKernel > 0 ? 16 : 1)));
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        varintField(model, 1, 7);
        msg(model, 7, graph.toByteArray());
        ByteArrayOutputStream opset = new ByteArrayOutputStream();
        str(opset, 1, "");
        varintField(opset, 2, 13);
        msg(model, 8, opset.toByteArray());
        try {
            return Files.write(file, model.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] node(String op, String in, String out, byte[] attribute) {
        return node(op, in, out, attribute, null);
    }

    /** @param encodedAttributes attribute fields already encoded (field 5 each) */
    private static byte[] node(String op, String in, String out, byte[] attribute, byte[] encodedAttributes) {
        ByteArrayOutputStream n = new ByteArrayOutputStream();
        str(n, 1, in);
        str(n, 2, out);
        str(n, 3, op + "_" + out);
        str(n, 4, op);
        if (attribute != null) {
            msg(n, 5, attribute);
        }
        if (encodedAttributes != null) {
            n.writeBytes(encodedAttributes);
        }
        return n.toByteArray();
    }

    private static byte[] ints(String name, long... values) {
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        str(a, 1, name);
        for (long v : values) {
            varintField(a, 8, v);
        }
        varintField(a, 20, 7);
        return a.toByteArray();
    }

    private static byte[] valueInfo(String name, long... dims) {
        ByteArrayOutputStream shape = new ByteArrayOutputStream();
        for (long d : dims) {
            ByteArrayOutputStream dim = new ByteArrayOutputStream();
            if (d > 0) {
                varintField(dim, 1, d);
            } else {
                str(dim, 2, "n" + shape.size());
            }
            msg(shape, 1, dim.toByteArray());
        }
        ByteArrayOutputStream tensor = new ByteArrayOutputStream();
        varintField(tensor, 1, 1);
        msg(tensor, 2, shape.toByteArray());
        ByteArrayOutputStream type = new ByteArrayOutputStream();
        msg(type, 1, tensor.toByteArray());
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        str(v, 1, name);
        msg(v, 2, type.toByteArray());
        return v.toByteArray();
    }

    private static void str(ByteArrayOutputStream out, int field, String s) {
        msg(out, field, s.getBytes(StandardCharsets.UTF_8));
    }

    private static void msg(ByteArrayOutputStream out, int field, byte[] bytes) {
        varint(out, (field << 3) | 2);
        varint(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void varintField(ByteArrayOutputStream out, int field, long v) {
        varint(out, field << 3);
        varint(out, v);
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
