package org.capvirt.model;

/**
 * How {@link DomainXmlParser} reads a definition.
 *
 * @param maxBytes the largest input accepted; bigger input is refused before it is parsed
 */
public record ParseOptions(int maxBytes) {
  /** The default size limit: 1 MiB. */
  public static final int DEFAULT_MAX_BYTES = 1 << 20;

  /** The defaults: a 1 MiB size limit. */
  public static final ParseOptions DEFAULTS = new ParseOptions(DEFAULT_MAX_BYTES);

  public ParseOptions {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
    }
  }
}
