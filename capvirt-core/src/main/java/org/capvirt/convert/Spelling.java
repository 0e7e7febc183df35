package org.capvirt.convert;

import java.util.Locale;
import java.util.Optional;
import org.capvirt.model.Capability;
import org.capvirt.model.CapabilityCatalog;

/** Finds the capability a misspelled name most likely meant (edit distance, prefix-blind). */
final class Spelling {
  private Spelling() {}

  /** The catalog capability nearest to {@code word}, when it is within 2 edits. */
  static Optional<Capability> nearest(String word, NameStyle style) {
    String w = word.toLowerCase(Locale.ROOT);
    if (w.startsWith("cap_")) {
      w = w.substring(4);
    }
    Capability best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (CapabilityCatalog.Entry e : CapabilityCatalog.entries()) {
      int d = distance(w, e.name());
      if (d < bestDistance) {
        bestDistance = d;
        best = e.capability();
      }
    }
    return bestDistance <= 2 && bestDistance < w.length() ? Optional.of(best) : Optional.empty();
  }

  /** The word in {@code candidates} nearest to {@code word}, when it is within 2 edits. */
  static Optional<String> nearest(String word, Iterable<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(word, c);
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    return bestDistance <= 2 ? Optional.ofNullable(best) : Optional.empty();
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
