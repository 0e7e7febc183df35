/**
 * The capvirt library. Exported: the façade in {@code org.capvirt} (the exceptions, {@link
 * org.capvirt.Definitions}, {@link org.capvirt.HostSystem}, {@link org.capvirt.Tracing}), the
 * model, and the APIs of the verbs (driver, caps, audit, verify, devices). The parser, the OCI
 * bundle, the plan step, the host probes, the runtime, the device programs and the networks are
 * internal; capvirt-convert reads the pure ones it needs through qualified exports.
 */
module org.capvirt.core {
  requires com.fasterxml.jackson.databind;
  requires java.management;
  requires java.xml;

  exports org.capvirt;
  exports org.capvirt.model;
  exports org.capvirt.driver;
  exports org.capvirt.caps;
  exports org.capvirt.audit;
  exports org.capvirt.verify;
  exports org.capvirt.devices;
  exports org.capvirt.oci to
      org.capvirt.convert;
  exports org.capvirt.plan to
      org.capvirt.convert;
  exports org.capvirt.xml to
      org.capvirt.convert;
}
