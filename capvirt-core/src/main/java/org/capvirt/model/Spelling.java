package org.capvirt.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds the name a misspelling most likely meant, for "did you mean …?": the one spelling rule and
 * the one message form of capvirt's messages (XML names and values, imported configs and flags,
 * verbs, options and capability names on the command line): {@code "; did you mean 'X'?"}.
 */
public final class Spelling {
  private Spelling() {}

  /**
   * {@code "; did you mean 'X'?"} for the candidate nearest to {@code word} ({@link #nearest}), or
   * {@code ""} when none is near enough.
   */
  public static String didYouMean(String word, Collection<String> candidates) {
    return nearest(word, candidates).map(c -> suggest("'" + c + "'")).orElse("");
  }

  /**
   * The one form of a suggestion, {@code "; did you mean MEANT?"}, with {@code meant} written as
   * the input's language writes it ({@code 'x'}, {@code <x>}, {@code '--x'}, {@code 'CAP_X'}).
   */
  public static String suggest(String meant) {
    return "; did you mean " + meant + "?";
  }

  /**
   * The known capability a misspelled name most likely meant: its catalog name ({@code chown})
   * nearest to {@code word} with case and a {@code cap_} prefix ignored.
   */
  public static Optional<Capability> nearestCapability(String word) {
    String w = word.strip().toLowerCase(Locale.ROOT);
    if (w.startsWith("cap_")) {
      w = w.substring(4);
    }
    List<String> names = new ArrayList<>();
    for (CapabilityCatalog.Entry e : CapabilityCatalog.entries()) {
      names.add(e.name());
    }
    return nearest(w, names)
        .flatMap(CapabilityCatalog::byName)
        .map(CapabilityCatalog.Entry::capability);
  }

  /**
   * The candidate nearest to {@code word} by edit distance (ignoring case), when it is near enough
   * to be a plausible typo: at most 2 edits, and fewer than half the word's length.
   */
  public static Optional<String> nearest(String word, Collection<String> candidates) {
    String w = word.toLowerCase(Locale.ROOT);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      if (Math.abs(c.length() - w.length()) > 2) {
        continue; // at least that many edits apart: never near enough
      }
      int d = distance(w, c.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    int limit = Math.min(2, Math.max(1, (w.length() - 1) / 2));
    return best != null && bestDistance <= limit ? Optional.of(best) : Optional.empty();
  }

  /** Levenshtein distance, where swapping two neighbours counts as one edit. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          v = Math.min(v, d[i - 2][j - 2] + 1);
        }
        d[i][j] = v;
      }
    }
    return d[a.length()][b.length()];
  }
}
