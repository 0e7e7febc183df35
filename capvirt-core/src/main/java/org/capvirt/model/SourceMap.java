package org.capvirt.model;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where each element of a parsed definition stands in its file. Kept beside the model (not in it)
 * so that model values compare equal whatever their layout.
 *
 * <p>Keys are element paths: element names joined by {@code /} from the root, where a step gets
 * {@code [n]} (1-based, counted among same-named siblings) only when {@code n > 1}. For example
 * {@code /domain/features/capabilities/mknod}, {@code /domain/devices/hostdev} (the first hostdev)
 * and {@code /domain/devices/hostdev[2]}. An attribute that was written has the key of its element
 * plus {@code /@name} (e.g. {@code /domain/features/capabilities/@policy}) and the location of the
 * attribute's name. Element locations point at the {@code <} of the start tag. Namespaced elements
 * of libvirt's LXC namespace are named {@code lxc:NAME} whatever prefix the file used. Lookups take
 * a {@link SourcePath}, so only paths the schema can produce are looked up.
 */
public record SourceMap(String file, Map<String, Location> locations) {
  public SourceMap {
    locations = Map.copyOf(locations);
  }

  /** A map with no locations, for definitions built in code. */
  public static SourceMap empty(String file) {
    return new SourceMap(file, Map.of());
  }

  /** The location of the element or attribute at {@code path}. */
  public Optional<Location> at(SourcePath path) {
    return Optional.ofNullable(locations.get(path.toString()));
  }

  /** The location at {@code path}, or the file itself when the path was not written. */
  public Location atOrFile(SourcePath path) {
    return at(path).orElseGet(() -> Location.of(file));
  }

  /** Whether {@code path} was written in the source. */
  public boolean has(SourcePath path) {
    return locations.containsKey(path.toString());
  }

  /** The location of the first of {@code paths} that was written, else the file. */
  public Location first(SourcePath... paths) {
    for (SourcePath p : paths) {
      Optional<Location> l = at(p);
      if (l.isPresent()) {
        return l.get();
      }
    }
    return Location.of(file);
  }

  /** The location of {@code path}, else of its nearest written ancestor, else the file. */
  public Location nearest(SourcePath path) {
    for (Optional<SourcePath> p = Optional.of(path); p.isPresent(); p = p.get().parent()) {
      Optional<Location> l = at(p.get());
      if (l.isPresent()) {
        return l.get();
      }
    }
    return Location.of(file);
  }

  /** The locations in path order, for debugging. */
  public Map<String, Location> sorted() {
    return new TreeMap<>(locations);
  }
}
