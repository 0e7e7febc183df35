package org.capvirt.audit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.capvirt.model.CapsPolicy;
import org.capvirt.model.HostdevDef;
import org.capvirt.model.Location;
import org.capvirt.model.ParsedDomain;
import org.capvirt.model.SourceMap;
import org.capvirt.testing.Domains;

/**
 * Builds definitions in code for audit tests. Starts from a well-isolated container (policy deny,
 * an idmap, a private network, its own root filesystem); each method takes one of those away or
 * adds something, and {@link #at} records where a part was "written".
 */
final class TestDomain {
  private final Domains d = Domains.lxc();
  private CapsPolicy policy = CapsPolicy.DENY;
  private boolean capabilities = true;
  private boolean privnet = true;
  private boolean idmap = true;
  private boolean rootfs = true;
  private final List<Runnable> mounts = new ArrayList<>();
  private final Map<String, Location> where = new HashMap<>();

  static TestDomain isolated() {
    return new TestDomain();
  }

  /** No capabilities element at all. */
  TestDomain noCapabilities() {
    capabilities = false;
    return this;
  }

  TestDomain policy(CapsPolicy p) {
    policy = p;
    return this;
  }

  TestDomain on(String... caps) {
    d.on(caps);
    return this;
  }

  TestDomain off(String... caps) {
    d.off(caps);
    return this;
  }

  TestDomain hostNet() {
    privnet = false;
    return this;
  }

  TestDomain noIdmap() {
    idmap = false;
    return this;
  }

  TestDomain hostRoot() {
    rootfs = false;
    return this;
  }

  TestDomain inituser(String u) {
    d.inituser(u);
    return this;
  }

  TestDomain mount(String source, String target, boolean readonly) {
    mounts.add(() -> d.mount(source, target, readonly));
    return this;
  }

  TestDomain hostdev(HostdevDef h) {
    d.hostdev(h);
    return this;
  }

  /** Records that {@code path} was written at {@code line}, column 5. */
  TestDomain at(String path, int line) {
    where.put(path, new Location("t.xml", line, 5));
    return this;
  }

  /**
   * The definition; the root filesystem comes first, so extra mounts are filesystem[2] onwards. A
   * policy other than default counts as written (at line 9) unless {@link #at} placed it.
   */
  ParsedDomain build() {
    if (rootfs) {
      d.mount("/srv/c1", "/", false);
    }
    mounts.forEach(Runnable::run);
    if (capabilities) {
      d.policy(policy);
      if (policy != CapsPolicy.DEFAULT) {
        where.putIfAbsent("/domain/features/capabilities/@policy", new Location("t.xml", 9, 5));
      }
    }
    if (privnet) {
      d.privnet();
    }
    if (idmap) {
      d.idmap();
    }
    return new ParsedDomain(d.build(), new SourceMap("t.xml", where));
  }
}
