package org.capvirt.convert.common;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.Location;
import org.capvirt.model.Problem;
import org.capvirt.model.Spelling;

/**
 * A JSON or YAML document as a tree whose every node and key knows its line and column, so that
 * importers can put a location on each problem. Duplicate keys are errors.
 */
public sealed interface Tree {
  /** Where the node starts. */
  Location at();

  /** An object; members keep their order and the place of their key. */
  record Obj(Map<String, Member> members, Location at) implements Tree {
    /** The member {@code key}, if written. */
    public Optional<Tree> get(String key) {
      return Optional.ofNullable(members.get(key)).map(Member::value);
    }

    /**
     * Adds a problem for every key not in {@code known} (with a suggestion when one is near), in
     * document order.
     */
    public void allowOnly(Set<String> known, String what, List<Problem> problems) {
      for (Map.Entry<String, Member> m : members.entrySet()) {
        if (!known.contains(m.getKey())) {
          problems.add(
              new Problem(
                  m.getValue().keyAt(),
                  "unknown field '"
                      + m.getKey()
                      + "' in "
                      + what
                      + Spelling.didYouMean(m.getKey(), known)));
        }
      }
    }
  }

  /** One key: value of an object. */
  record Member(Location keyAt, Tree value) {}

  /** An array. */
  record Arr(List<Tree> items, Location at) implements Tree {}

  /** A scalar, as text; {@code string} tells a quoted/plain string from a number, bool or null. */
  record Scalar(String text, boolean string, Location at) implements Tree {
    public boolean isNull() {
      return !string && text.equals("null");
    }
  }

  /** Reads YAML (which also reads JSON). */
  static Tree yaml(byte[] bytes, String file) throws InvalidDefinitionException {
    return read(new YAMLFactory(), bytes, file);
  }

  /** Reads JSON. */
  static Tree json(byte[] bytes, String file) throws InvalidDefinitionException {
    return read(new JsonFactory(), bytes, file);
  }

  private static Tree read(JsonFactory factory, byte[] bytes, String file)
      throws InvalidDefinitionException {
    factory.setStreamReadConstraints(
        StreamReadConstraints.builder().maxNestingDepth(200).maxStringLength(1 << 20).build());
    try (JsonParser p = factory.createParser(bytes)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new InvalidDefinitionException(
            new Problem(new Location(file, 1, 1), "empty document"));
      }
      List<Problem> problems = new ArrayList<>();
      Tree tree = node(p, file, problems);
      if (p.nextToken() != null) {
        problems.add(
            new Problem(loc(p.currentTokenLocation(), file), "more than one document in the file"));
      }
      if (!problems.isEmpty()) {
        throw new InvalidDefinitionException(problems);
      }
      return tree;
    } catch (IOException e) {
      JsonLocation l =
          e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe
              ? jpe.getLocation()
              : null;
      String msg =
          e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
      throw new InvalidDefinitionException(
          new Problem(l == null ? Location.of(file) : loc(l, file), "cannot parse: " + msg));
    }
  }

  private static Tree node(JsonParser p, String file, List<Problem> problems) throws IOException {
    Location at = loc(p.currentTokenLocation(), file);
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        Map<String, Member> members = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          Location keyAt = loc(p.currentTokenLocation(), file);
          p.nextToken();
          Tree value = node(p, file, problems);
          Member old = members.putIfAbsent(key, new Member(keyAt, value));
          if (old != null) {
            problems.add(
                new Problem(keyAt, "duplicate key '" + key + "' (first at " + old.keyAt() + ")"));
          }
        }
        return new Obj(members, at);
      }
      case START_ARRAY -> {
        List<Tree> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(node(p, file, problems));
        }
        return new Arr(items, at);
      }
      case VALUE_STRING -> {
        return new Scalar(p.getText(), true, at);
      }
      default -> {
        return new Scalar(p.getText(), false, at);
      }
    }
  }

  private static Location loc(JsonLocation l, String file) {
    return new Location(file, Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
  }

  /** {@code t} as a mapping, or a problem naming {@code what}. */
  static Optional<Tree.Obj> obj(Tree t, String what, List<Problem> problems) {
    if (t instanceof Tree.Obj o) {
      return Optional.of(o);
    }
    problems.add(new Problem(t.at(), what + " must be a mapping"));
    return Optional.empty();
  }

  /** {@code t} as a list, or a problem naming {@code what}. */
  static Optional<List<Tree>> arr(Tree t, String what, List<Problem> problems) {
    if (t instanceof Tree.Arr a) {
      return Optional.of(a.items());
    }
    problems.add(new Problem(t.at(), what + " must be a list"));
    return Optional.empty();
  }

  /** {@code t} as a string, or a problem naming {@code what}. */
  static Optional<String> str(Tree t, String what, List<Problem> problems) {
    if (t instanceof Tree.Scalar s && !s.isNull()) {
      return Optional.of(s.text());
    }
    problems.add(new Problem(t.at(), what + " must be a string"));
    return Optional.empty();
  }

  /** {@code t} as a list of strings; a problem for each item that is not one. */
  static List<String> strings(Tree t, String what, List<Problem> problems) {
    List<String> out = new ArrayList<>();
    arr(t, what, problems)
        .orElse(List.of())
        .forEach(x -> str(x, what, problems).ifPresent(out::add));
    return out;
  }

  /** {@code t} as {@code true} or {@code false} (not quoted), or a problem. */
  static boolean bool(Tree t, List<Problem> problems) {
    if (t instanceof Tree.Scalar s
        && !s.string()
        && (s.text().equals("true") || s.text().equals("false"))) {
      return s.text().equals("true");
    }
    problems.add(new Problem(t.at(), "expected true or false"));
    return false;
  }

  /** {@code t} as a non-negative integer (not quoted), or a problem. */
  static long number(Tree t, List<Problem> problems) {
    if (t instanceof Tree.Scalar s && !s.string() && s.text().matches("\\d{1,10}")) {
      return Long.parseLong(s.text());
    }
    problems.add(new Problem(t.at(), "expected a non-negative integer"));
    return 0;
  }
}
