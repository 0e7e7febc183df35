/**
 * The capvirt command line. It reads the library only through what capvirt-core and capvirt-convert
 * export, which the compiler checks here.
 */
module org.capvirt.cli {
  requires org.capvirt.core;
  requires org.capvirt.convert;
  requires info.picocli;
  requires com.fasterxml.jackson.annotation;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;

  // picocli builds the command model from the annotated verbs
  opens org.capvirt.cli to
      info.picocli;
}
