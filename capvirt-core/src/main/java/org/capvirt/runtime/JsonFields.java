package org.capvirt.runtime;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The top-level scalar fields of a JSON object, read and written with jackson-core's streaming API:
 * the small records on the start and destroy paths need no databind (whose set-up costs a cold CLI
 * more than the rest of the JSON work).
 */
public final class JsonFields {
  private static final JsonFactory JSON = new JsonFactory();

  private JsonFields() {}

  /**
   * The object's top-level strings, numbers and booleans as text, in document order; nested objects
   * and arrays are skipped.
   *
   * @throws IOException when the text is not one JSON object
   */
  public static Map<String, String> read(byte[] json) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not a JSON object");
      }
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
          p.skipChildren();
        } else if (v != JsonToken.VALUE_NULL) {
          out.put(name, p.getText());
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT) {
        throw new IOException("not a JSON object");
      }
    }
    return out;
  }

  /** A pretty-printed JSON object of string fields, in the map's order. */
  public static byte[] write(Map<String, String> fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(out).useDefaultPrettyPrinter()) {
      g.writeStartObject();
      for (Map.Entry<String, String> e : fields.entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("writing JSON to memory failed", e);
    }
    return out.toByteArray();
  }
}
