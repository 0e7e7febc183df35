package org.capvirt;

/**
 * The checked exception family of the capvirt library; each carries a message a user can act on.
 * Sealed: a caller that maps failures (the CLI's exit codes) switches over the three kinds without
 * a default, so a new kind breaks the build there.
 */
public abstract sealed class CapvirtException extends Exception
    permits InvalidDefinitionException, CapvirtIoException, RuntimeFailureException {
  private static final long serialVersionUID = 1L;

  protected CapvirtException(String message) {
    super(message);
  }

  protected CapvirtException(String message, Throwable cause) {
    super(message, cause);
  }
}
