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
 * of libvirt's LXC namespace are named {@code lxc:NAME} whatever prefix the file used.
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
  public Optional<Location> at(String path) {
    return Optional.ofNullable(locations.get(path));
  }

  /** The location at {@code path}, or the file itself when the path was not written. */
  public Location atOrFile(String path) {
    return at(path).orElseGet(() -> Location.of(file));
  }

  /** Whether {@code path} was written in the source. */
  public boolean has(String path) {
    return locations.containsKey(path);
  }

  /** The path of a capability element inside {@code <features><capabilities>}. */
  public static String capabilityPath(Capability cap) {
    return "/domain/features/capabilities/" + cap.name();
  }

  /** The locations in path order, for debugging. */
  public Map<String, Location> sorted() {
    return new TreeMap<>(locations);
  }
}
