package io.modelloop.model.builtin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a tiny TorchScript module by hand (no Python here): the archive layout torch.jit.save
 * produces, with a parameter-free forward that average-pools the image to 4 x 4 and flattens it
 * (48 features for RGB). It stands in for a pretrained backbone file.
 */
final class TinyTorchScript {

    static final int FEATURES = 48;

    private TinyTorchScript() {
    }

    static Path write(Path file) {
        ByteArrayOutputStream pickle = new ByteArrayOutputStream();
        // PROTO 2; GLOBAL __torch__.PoolFeatures; EMPTY_TUPLE NEWOBJ; {"training": True}; BUILD; STOP
        pickle.writeBytes(new byte[] {(byte) 0x80, 2});
        pickle.writeBytes("c__torch__\nPoolFeatures\n".getBytes(StandardCharsets.US_ASCII));
        pickle.writeBytes(new byte[] {'q', 0, ')', (byte) 0x81, '}', 'q', 1, '(', 'X', 8, 0, 0, 0});
        pickle.writeBytes("training".getBytes(StandardCharsets.US_ASCII));
        pickle.writeBytes(new byte[] {(byte) 0x88, 'u', 'b', '.'});
        String code = String.join("\n",
                "class PoolFeatures(Module):",
                "  __parameters__ = []",
                "  __buffers__ = []",
                "  training : bool",
                "  def forward(self: __torch__.PoolFeatures,",
                "    x: Tensor) -> Tensor:",
                "    _0 = torch.adaptive_avg_pool2d(x, [4, 4])",
                "    return torch.flatten(_0, 1)",
                "");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            entry(zip, "archive/data.pkl", pickle.toByteArray());
            entry(zip, "archive/code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
            entry(zip, "archive/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
            entry(zip, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
            entry(zip, "archive/.data/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static void entry(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }
}
