package org.capvirt.cli;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.capvirt.model.Capability;
import org.capvirt.model.Spelling;

/**
 * "Did you mean …?" for the command line: verbs (with the names podman, docker and virsh users type
 * out of habit), options and capability names, all by capvirt's one spelling rule ({@link
 * Spelling}).
 */
final class DidYouMean {
  private DidYouMean() {}

  /** What another tool's verb is called here (a verb that does not exist yet says so). */
  private static final Map<String, List<String>> HABITS =
      Map.ofEntries(
          Map.entry("ps", List.of("list")),
          Map.entry("ls", List.of("list")),
          Map.entry("rm", List.of("undefine")),
          Map.entry("remove", List.of("undefine")),
          Map.entry("delete", List.of("undefine")),
          Map.entry("stop", List.of("shutdown", "destroy")),
          Map.entry("kill", List.of("destroy")),
          Map.entry("run", List.of("create")),
          Map.entry("logs", List.of("log")),
          Map.entry("inspect", List.of("dominfo", "dumpxml")),
          Map.entry("status", List.of("domstate")),
          Map.entry("console", List.of("console")),
          Map.entry("attach", List.of("console")));

  /**
   * The hint for an unknown verb {@code word} among {@code verbs}, e.g. "; did you mean …?"; {@code
   * topLevel}: also other tools' verb names.
   */
  static String verb(String word, Collection<String> verbs, boolean topLevel) {
    List<String> habit = topLevel ? HABITS.get(word.toLowerCase(Locale.ROOT)) : null;
    if (habit != null) {
      List<String> present = habit.stream().filter(verbs::contains).toList();
      if (present.isEmpty()) {
        return " (capvirt has no "
            + String.join("/", habit)
            + " verb yet; capvirt log NAME"
            + " prints the init's output)";
      }
      return Spelling.suggest(quoted(present));
    }
    return Spelling.didYouMean(word, verbs);
  }

  /** The hint for an unknown option {@code word} among {@code options}. */
  static String option(String word, Collection<String> options) {
    String name = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
    return Spelling.didYouMean(name, options);
  }

  /** The capability name {@code word} most likely meant ({@code cap_} and case ignored). */
  static Optional<String> capability(String word) {
    return Spelling.nearestCapability(word).map(Capability::name);
  }

  /** "unknown capability 'X'; did you mean 'Y'?", or with a pointer to {@code caps list}. */
  static String unknownCapability(String word) {
    return "unknown capability '"
        + word.strip()
        + "'"
        + capability(word)
            .map(c -> Spelling.suggest("'" + c + "'"))
            .orElse(" (capvirt caps list shows every name)");
  }

  private static String quoted(List<String> names) {
    List<String> q = names.stream().map(n -> "'" + n + "'").toList();
    return String.join(" or ", q);
  }
}
