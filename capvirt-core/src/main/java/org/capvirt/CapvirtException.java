package org.capvirt;

/**
 * The checked exception family of the capvirt library; each carries a message a user can act on.
 */
public abstract class CapvirtException extends Exception {
  private static final long serialVersionUID = 1L;

  protected CapvirtException(String message) {
    super(message);
  }

  protected CapvirtException(String message, Throwable cause) {
    super(message, cause);
  }
}
