package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.capvirt.caps.CapabilityResolver;
import org.capvirt.caps.ResolvedCaps;
import org.capvirt.host.HostProbe;
import org.capvirt.model.CapSet;
import org.capvirt.model.HostFacts;
import org.capvirt.testing.ContainerTest;
import org.capvirt.xml.DomainXmlParser;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Load: {@link #WORKERS} separate JVMs racing define/start/destroy/undefine on overlapping names
 * for {@link #SECONDS} seconds (no deadlock, no lost definition, never two inits for one domain, no
 * leaked cgroup); then {@link #MANY} containers running at once, each init checked against its
 * resolved capability sets, then all destroyed with nothing left.
 */
@ContainerTest
@Tag("long")
class LoadTest {
  static final int WORKERS = 8;
  static final int SECONDS = Integer.getInteger("capvirt.load.seconds", 30);
  static final int MANY = Integer.getInteger("capvirt.load.containers", 100);

  @TempDir Path tmp;

  /** One logged operation of a worker. */
  record Op(long end, String op, String name, String marker, String result) {
    static Op parse(String line) {
      String[] f = line.split(" ", 5);
      return new Op(Long.parseLong(f[0]), f[1], f[2], f[3], f[4]);
    }
  }

  @Test
  void eightProcessesRacingOnFourNames() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      List<String> names =
          List.of(live.name("ld0"), live.name("ld1"), live.name("ld2"), live.name("ld3"));
      Map<String, Integer> maxInits = new ConcurrentHashMap<>();
      AtomicBoolean watching = new AtomicBoolean(true);
      Thread watcher =
          Thread.ofPlatform()
              .start(
                  () -> {
                    while (watching.get()) {
                      try {
                        Map<String, Integer> now = initsByDomain(names);
                        now.forEach((n, c) -> maxInits.merge(n, c, Math::max));
                        Thread.sleep(50); // sampling interval, not synchronisation
                      } catch (IOException | InterruptedException e) {
                        return;
                      }
                    }
                  });
      List<Process> ps = new ArrayList<>();
      List<Path> logs = new ArrayList<>();
      for (int w = 0; w < WORKERS; w++) {
        Path log = tmp.resolve("worker-" + w + ".log");
        logs.add(log);
        List<String> cmd =
            new ArrayList<>(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx96m",
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp",
                    System.getProperty("java.class.path"),
                    LoadWorker.class.getName(),
                    live.root.toString(),
                    Integer.toString(SECONDS),
                    "w" + w,
                    log.toString()));
        cmd.addAll(names);
        ps.add(
            new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("worker-" + w + ".out").toFile())
                .start());
      }
      for (Process p : ps) {
        assertThat(p.waitFor(SECONDS + 150L, TimeUnit.SECONDS)).as("a worker is stuck").isTrue();
        assertThat(p.exitValue()).isZero();
      }
      watching.set(false);
      watcher.join();

      List<Op> ops = new ArrayList<>();
      for (Path l : logs) {
        Files.readAllLines(l).forEach(line -> ops.add(Op.parse(line)));
      }
      ops.sort((a, b) -> Long.compare(a.end(), b.end()));
      assertThat(ops).filteredOn(o -> o.result().startsWith("INTERNAL")).isEmpty();
      for (String n : names) {
        Optional<Op> last =
            ops.stream()
                .filter(o -> o.name().equals(n) && o.result().equals("ok"))
                .filter(o -> o.op().equals("define") || o.op().equals("undefine"))
                .reduce((a, b) -> b);
        Path def = live.layout.definition(n);
        if (last.isPresent() && last.get().op().equals("define")) {
          assertThat(def).as("definition of " + n + " after " + last.get()).exists();
          assertThat(DomainXmlParser.parse(Files.readAllBytes(def), "d.xml").def().description())
              .as("no lost definition: " + n)
              .contains(last.get().marker());
        } else {
          assertThat(def).as("undefined last: " + n).doesNotExist();
        }
      }
      assertThat(maxInits.values()).as("inits per domain seen at once").allMatch(c -> c <= 1);
      for (DomainInfo d : live.driver.list(false)) {
        live.driver.destroy(d.name());
      }
      for (String n : names) {
        assertThat(Leftovers.of(live, n)).as("left by " + n).isEmpty();
      }
      Map<String, Long> counts = new HashMap<>();
      ops.forEach(o -> counts.merge(o.op() + " " + reason(o.result(), names), 1L, Long::sum));
      System.out.printf(
          "load: %d processes, %d s, %d operations %s, max inits per domain %s%n",
          WORKERS, SECONDS, ops.size(), new java.util.TreeMap<>(counts), maxInits);
      assertThat(counts.getOrDefault("start ok", 0L)).as("starts that succeeded").isPositive();
    }
  }

  @Test
  void hundredContainersAtOnceEachWithItsMasks() throws Exception {
    List<String> policies =
        List.of(
            "",
            "<capabilities policy='allow'><sys_admin state='off'/><net_raw state='off'/></capabilities>",
            "<capabilities policy='deny'><chown state='on'/><kill state='on'/></capabilities>",
            "<capabilities policy='deny'/>",
            "<capabilities policy='default'><mknod state='on'/><sys_time state='on'/></capabilities>");
    HostFacts host = HostProbe.system().read();
    try (LiveRoot live = new LiveRoot()) {
      List<String> names = new ArrayList<>();
      Map<String, ResolvedCaps> want = new HashMap<>();
      for (int i = 0; i < MANY; i++) {
        String n = live.name("many" + i);
        names.add(n);
        String xml = LiveRoot.xml(n, "exec sleep 600", policies.get(i % policies.size()), "");
        want.put(
            n,
            CapabilityResolver.resolve(
                DomainXmlParser.parse(xml.getBytes(StandardCharsets.UTF_8), "m.xml"), host));
      }
      long t0 = System.nanoTime();
      ExecutorService pool = Executors.newFixedThreadPool(2);
      List<Future<?>> started = new ArrayList<>();
      for (int i = 0; i < MANY; i++) {
        String n = names.get(i);
        String xml = LiveRoot.xml(n, "exec sleep 600", policies.get(i % policies.size()), "");
        started.add(pool.submit(() -> live.create(xml)));
      }
      for (Future<?> f : started) {
        f.get(10, TimeUnit.MINUTES);
      }
      long startMs = (System.nanoTime() - t0) / 1_000_000;
      List<DomainInfo> running = live.driver.list(false);
      assertThat(running).hasSize(MANY).allMatch(d -> d.state() == DomainState.RUNNING);
      for (DomainInfo d : running) {
        ResolvedCaps w = want.get(d.name());
        List<CapSet> have = LiveRoot.masks(d.pid().orElseThrow());
        assertThat(have)
            .as(d.name())
            .containsExactly(
                w.inheritable(), w.permitted(), w.effective(), w.bounding(), w.ambient());
      }
      t0 = System.nanoTime();
      List<Future<?>> destroyed = new ArrayList<>();
      for (String n : names) {
        destroyed.add(
            pool.submit(
                () -> {
                  live.driver.destroy(n);
                  return null;
                }));
      }
      for (Future<?> f : destroyed) {
        f.get(10, TimeUnit.MINUTES);
      }
      pool.shutdown();
      long destroyMs = (System.nanoTime() - t0) / 1_000_000;
      for (String n : names) {
        assertThat(Leftovers.of(live, n)).as("left by " + n).isEmpty();
      }
      assertThat(live.driver.list(true)).isEmpty();
      System.out.printf(
          "many: %d containers running at once, masks verified; started in %d ms, destroyed in %d ms%n",
          MANY, startMs, destroyMs);
    }
  }

  /** The outcome without the domain name, so that outcomes can be counted. */
  static String reason(String result, List<String> names) {
    String r = result;
    for (String n : names) {
      r = r.replace(n, "NAME");
    }
    return r;
  }

  /** Host processes that are the init of one of {@code names} (a sleep of its unique length). */
  static Map<String, Integer> initsByDomain(List<String> names) throws IOException {
    Map<String, Integer> out = new HashMap<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.toList()) {
        byte[] cmd;
        try {
          cmd = Files.readAllBytes(p.resolve("cmdline"));
        } catch (IOException e) {
          continue;
        }
        String c = new String(cmd, StandardCharsets.UTF_8);
        for (int i = 0; i < names.size(); i++) {
          if (c.equals("sleep\0" + LoadWorker.sleepOf(i) + "\0")) {
            out.merge(names.get(i), 1, Integer::sum);
          }
        }
      }
    }
    return out;
  }
}
