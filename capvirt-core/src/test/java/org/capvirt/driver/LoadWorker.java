package org.capvirt.driver;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * One process of {@link LoadTest}: {@code ROOT SECONDS WORKER LOG NAME...}. Until the time is up it
 * runs define, start, destroy and undefine on random names, each define with a unique description,
 * and logs one line per operation: {@code END_NANOS OP NAME MARKER RESULT}.
 */
public final class LoadWorker {
  private LoadWorker() {}

  public static void main(String[] args) throws Exception {
    Driver d = Driver.onHost(StateLayout.under(Path.of(args[0])), Optional.empty());
    long deadline = System.nanoTime() + Long.parseLong(args[1]) * 1_000_000_000L;
    String worker = args[2];
    List<String> names = List.of(args).subList(4, args.length);
    Random random = new Random(worker.hashCode());
    List<String> ops = List.of("define", "define", "start", "start", "destroy", "undefine");
    try (PrintWriter log =
        new PrintWriter(Files.newBufferedWriter(Path.of(args[3]), StandardCharsets.UTF_8))) {
      for (int seq = 0; System.nanoTime() < deadline; seq++) {
        String name = names.get(random.nextInt(names.size()));
        String op = ops.get(random.nextInt(ops.size()));
        String marker = worker + "-" + seq;
        String result = "ok";
        try {
          switch (op) {
            case "define" -> d.define(xml(name, names.indexOf(name), marker), "load.xml");
            case "start" -> d.start(name);
            case "destroy" -> d.destroy(name);
            case "undefine" -> d.undefine(name);
            default -> throw new IllegalStateException(op);
          }
        } catch (org.capvirt.CapvirtException e) {
          result =
              "failed:"
                  + e.getClass().getSimpleName()
                  + ": "
                  + e.getMessage().lines().findFirst().orElse("");
        } catch (RuntimeException e) {
          result = "INTERNAL:" + e;
        }
        log.println(System.nanoTime() + " " + op + " " + name + " " + marker + " " + result);
        log.flush();
      }
    }
    System.exit(0);
  }

  /** The definition of load domain {@code index}: its init is {@code sleep} of a unique length. */
  static byte[] xml(String name, int index, String marker) {
    return LiveRoot.xml(name, "exec sleep " + sleepOf(index), "", "")
        .replaceFirst("</name>", "</name>\n  <description>" + marker + "</description>")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The sleep length that identifies domain {@code index}'s init among host processes. */
  static String sleepOf(int index) {
    return Integer.toString(100_000 + index);
  }
}
