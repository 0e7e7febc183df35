package org.capvirt.xml;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.Location;
import org.capvirt.model.ParseOptions;

/**
 * Reads a definition from a stream without trusting its size: at most the limit plus one byte is
 * ever read, so a multi-GiB file, {@code /dev/zero} or an endless pipe is refused as soon as it
 * passes the limit.
 */
public final class BoundedInput {
  private BoundedInput() {}

  /**
   * All of {@code in}, or a problem at {@code fileName}:1:1 once more than {@code
   * options.maxBytes()} bytes have been read.
   */
  public static byte[] read(InputStream in, String fileName, ParseOptions options)
      throws IOException, InvalidDefinitionException {
    int limit = options.maxBytes();
    byte[] buf = new byte[Math.min(limit + 1, 64 * 1024)];
    int n = 0;
    while (true) {
      if (n == buf.length) {
        if (buf.length > limit) {
          throw XmlReader.fail(
              new Location(fileName, 1, 1),
              "file is more than the limit of " + limit + " bytes (stopped reading there)");
        }
        buf = Arrays.copyOf(buf, (int) Math.min((long) limit + 1, 2L * buf.length));
      }
      int r = in.read(buf, n, buf.length - n);
      if (r < 0) {
        return Arrays.copyOf(buf, n);
      }
      n += r;
    }
  }
}
