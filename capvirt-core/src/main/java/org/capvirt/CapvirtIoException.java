package org.capvirt;

import java.io.IOException;

/** Reading or writing capvirt's files (definitions, state, bundles) failed. */
public final class CapvirtIoException extends CapvirtException {
  private static final long serialVersionUID = 1L;

  public CapvirtIoException(String message, IOException cause) {
    super(message + ": " + describe(cause), cause);
  }

  public CapvirtIoException(String message) {
    super(message);
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    String kind = e.getClass().getSimpleName();
    return m == null ? kind : kind.equals("IOException") ? m : kind + " " + m;
  }
}
