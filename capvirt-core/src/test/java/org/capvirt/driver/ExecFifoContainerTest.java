package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.capvirt.testing.ContainerTest;
import org.junit.jupiter.api.Test;

/**
 * runc itself is started by reading its exec FIFO in-process: no {@code runc start} runs, and runc
 * then reports the container as running, as after its own start. A destroy that saw the init exit
 * deletes runc's state of it in-process too: no {@code runc delete}, and nothing is left.
 */
@ContainerTest
class ExecFifoContainerTest {
  @Test
  void aRuncDomainStartsWithoutARuncStartAndRuncSeesItRunning() throws Exception {
    List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());
    try (LiveRoot live = LiveRoot.withoutMonitor(calls)) {
      String name = live.name("fifo");
      live.create(LiveRoot.xml(name, "echo started; exec sleep 300", "", ""));
      live.awaitLog(name, "started", Duration.ofSeconds(10));
      assertThat(live.driver.info(name).state()).isEqualTo(DomainState.RUNNING);

      List<String> verbs = new ArrayList<>();
      for (List<String> argv : calls) {
        int log = argv.indexOf("--log");
        if (log >= 0 && argv.size() > log + 2) {
          verbs.add(argv.get(log + 2));
        }
      }
      assertThat(verbs).as("the runtime's calls").contains("create").doesNotContain("start");
      String runtime =
          calls.stream().filter(a -> a.contains("create")).findFirst().orElseThrow().get(0);
      assertThat(Path.of(runtime).getFileName().toString()).isEqualTo("runc");

      Path runtimeRoot = new RunDir(live.layout.domainDir(name)).runtimeRoot();
      assertThat(runtimeRoot.resolve(name).resolve("exec.fifo")).doesNotExist();
      Process state =
          new ProcessBuilder(runtime, "--root", runtimeRoot.toString(), "state", name).start();
      String json = new String(state.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(state.waitFor()).isZero();
      assertThat(json).contains("\"status\": \"running\"");
      long pid = live.pid(name);
      calls.clear();
      live.driver.destroy(name);
      LiveRoot.awaitGone(pid);
      assertThat(calls.stream().map(a -> a.get(a.indexOf("--log") + 2)).toList())
          .as("the runtime's calls of the destroy")
          .contains("kill")
          .doesNotContain("delete");
      assertThat(Leftovers.of(live, name)).isEmpty();
      Process gone =
          new ProcessBuilder(runtime, "--root", runtimeRoot.toString(), "state", name)
              .redirectErrorStream(true)
              .start();
      String said = new String(gone.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(gone.waitFor()).isNotZero();
      assertThat(said).contains("does not exist");
    }
  }
}
