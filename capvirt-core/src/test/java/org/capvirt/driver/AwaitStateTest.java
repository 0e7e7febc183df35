package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.capvirt.model.ExecRequest;
import org.capvirt.runtime.ContainerState;
import org.capvirt.runtime.ContainerStatus;
import org.capvirt.runtime.InitLog;
import org.capvirt.runtime.Runtime;
import org.junit.jupiter.api.Test;

/** How a reconcile waits for a runtime state that a runtime may still be writing. */
class AwaitStateTest {
  /** A runtime that only answers {@link #state}: empty until {@link #written}, then running. */
  private static final class LateState implements Runtime {
    volatile boolean written;

    @Override
    public Optional<ContainerState> state(String id) {
      return written
          ? Optional.of(new ContainerState(id, ContainerStatus.RUNNING, 4242))
          : Optional.empty();
    }

    @Override
    public String description() {
      return "late";
    }

    @Override
    public Set<String> capabilities() {
      return Set.of();
    }

    @Override
    public long create(String id, Path bundle, InitLog log) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void start(String id, long initPid) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void kill(String id, org.capvirt.runtime.Signal signal) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void delete(String id, boolean force) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int exec(String id, ExecRequest r, Path pidFile) {
      throw new UnsupportedOperationException();
    }
  }

  /**
   * The runtime wrote the state and ended after a look that found none and before the scan for its
   * processes: the scan finds no runtime at work, and one more look finds the state.
   */
  @Test
  void aStateWrittenBetweenTheLastLookAndTheProcessScanIsSeen() throws Exception {
    LateState rt = new LateState();
    BooleanSupplier finishedJustNow =
        () -> {
          rt.written = true;
          return false;
        };
    Optional<ContainerState> st = Reconciler.awaitState(rt, "web", finishedJustNow);
    assertThat(st).map(ContainerState::status).contains(ContainerStatus.RUNNING);
  }

  @Test
  void aStateThatNeverShowsEndsTheWaitOnceNoRuntimeWorksOnIt() throws Exception {
    LateState rt = new LateState();
    long t0 = System.nanoTime();
    Optional<ContainerState> st = Reconciler.awaitState(rt, "web", () -> false);
    long waited = System.nanoTime() - t0;
    assertThat(st).isEmpty();
    assertThat(waited).isGreaterThan(Reconciler.STATE_WAIT.toNanos());
    assertThat(waited).isLessThan(Reconciler.BUSY_RUNTIME_WAIT.toNanos());
  }

  @Test
  void theWaitGoesOnPastItsFirstSpanWhileTheRuntimeWorks() throws Exception {
    LateState rt = new LateState();
    long t0 = System.nanoTime();
    long writesAt = t0 + Reconciler.STATE_WAIT.toNanos() + 500_000_000L;
    BooleanSupplier busyUntilWritten =
        () -> {
          if (System.nanoTime() >= writesAt) {
            rt.written = true;
          }
          return true;
        };
    Optional<ContainerState> st = Reconciler.awaitState(rt, "web", busyUntilWritten);
    assertThat(st).map(ContainerState::status).contains(ContainerStatus.RUNNING);
    assertThat(System.nanoTime() - t0).isGreaterThan(writesAt - t0);
  }
}
