package org.capvirt.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.capvirt.CapvirtException;
import org.capvirt.RuntimeFailureException;
import org.capvirt.model.DomainDef;
import org.capvirt.model.FilesystemDef;
import org.capvirt.model.SourceMap;
import org.capvirt.model.SourcePath;

/**
 * Resolves the sources of {@code <filesystem type='bind'>} inside the container's root, as libvirt
 * does after pivot_root: one component at a time, never following a link out of the root. An
 * absolute link target starts again at the root, {@code ..} stops at the root, and the result is a
 * host path without links (at the time of the start, when no process of the domain runs to swap a
 * component), which the runtime binds.
 */
final class BindSources {
  private BindSources() {}

  /** As many links as the kernel follows in one lookup before ELOOP. */
  static final int MAX_LINKS = 40;

  /** Each bind source as written to the host path it resolves to inside {@code root}. */
  static Map<String, String> resolve(DomainDef def, SourceMap where, Path root)
      throws CapvirtException {
    Map<String, String> out = new LinkedHashMap<>();
    List<FilesystemDef> fss = def.devices().filesystems();
    for (int i = 0; i < fss.size(); i++) {
      FilesystemDef fs = fss.get(i);
      if (fs.type() == FilesystemDef.FsType.BIND
          && fs.source() instanceof FilesystemDef.DirSource d
          && !out.containsKey(d.dir())) {
        String at = where.atOrFile(SourcePath.FILESYSTEM.nth(i)).toString();
        out.put(d.dir(), inRoot(root, d.dir(), at).toString());
      }
    }
    return out;
  }

  /** {@code path} of the container resolved inside {@code root} (a host directory). */
  static Path inRoot(Path root, String path, String at) throws CapvirtException {
    return inRoot(root, path, at, "bind source");
  }

  /** As {@link #inRoot(Path, String, String)}, naming the path {@code what} in errors. */
  static Path inRoot(Path root, String path, String at, String what) throws CapvirtException {
    Path top;
    try {
      top = root.toRealPath();
    } catch (IOException e) {
      throw new RuntimeFailureException(at + ": the container's root " + root + " is unreadable");
    }
    Deque<String> todo = new ArrayDeque<>(components(path));
    List<String> done = new ArrayList<>();
    int links = 0;
    while (!todo.isEmpty()) {
      String c = todo.pop();
      if (c.equals("..")) {
        if (!done.isEmpty()) {
          done.removeLast();
        }
        continue;
      }
      Path p = join(top, done).resolve(c);
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        throw new RuntimeFailureException(
            at + ": " + what + " '" + path + "' does not exist in the container's root " + top);
      } catch (IOException e) {
        throw new RuntimeFailureException(
            at + ": " + what + " '" + path + "' cannot be resolved in " + top + ": " + e);
      }
      if (!a.isSymbolicLink()) {
        done.add(c);
        continue;
      }
      if (++links > MAX_LINKS) {
        throw new RuntimeFailureException(
            at + ": " + what + " '" + path + "' has more than " + MAX_LINKS + " links in " + top);
      }
      String target;
      try {
        target = Files.readSymbolicLink(p).toString();
      } catch (IOException e) {
        throw new RuntimeFailureException(at + ": cannot read the link " + p + ": " + e);
      }
      if (target.startsWith("/")) {
        done.clear();
      }
      List<String> t = components(target);
      for (int j = t.size() - 1; j >= 0; j--) {
        todo.push(t.get(j));
      }
    }
    return join(top, done);
  }

  private static List<String> components(String path) {
    return Arrays.stream(path.split("/")).filter(c -> !c.isEmpty() && !c.equals(".")).toList();
  }

  private static Path join(Path top, List<String> parts) {
    Path p = top;
    for (String s : parts) {
      p = p.resolve(s);
    }
    return p;
  }
}
