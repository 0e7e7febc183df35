/** The picocli command line. Prints and exits; the library below never does. */
package org.capvirt.cli;
