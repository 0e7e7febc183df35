/**
 * capvirt's export and import: {@code org.capvirt.convert} is its API ({@link
 * org.capvirt.convert.Conversions} and its values); the formats and what they share are internal.
 */
module org.capvirt.convert {
  requires transitive org.capvirt.core;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.dataformat.yaml;

  exports org.capvirt.convert;
}
