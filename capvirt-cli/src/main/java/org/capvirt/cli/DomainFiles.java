package org.capvirt.cli;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.capvirt.CapvirtIoException;
import org.capvirt.Definitions;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.ParseOptions;
import org.capvirt.model.ParsedDomain;

/**
 * Reads a domain XML file ({@code -} for standard input) and parses it, naming the file as the user
 * wrote it. Reads at most one byte past the parser's size limit, so a huge file is refused without
 * being loaded.
 */
public final class DomainFiles {
  private DomainFiles() {}

  /** Reads and parses {@code file} with the default options. */
  public static ParsedDomain read(String file)
      throws CapvirtIoException, InvalidDefinitionException {
    return read(file, ParseOptions.DEFAULTS);
  }

  /** Reads and parses {@code file}. */
  public static ParsedDomain read(String file, ParseOptions options)
      throws CapvirtIoException, InvalidDefinitionException {
    String name = file.equals("-") ? "<stdin>" : file;
    return Definitions.parse(bytes(file, name, options), name, options);
  }

  /** The bytes of {@code file} ({@code -}: standard input), at most the size limit. */
  static byte[] bytes(String file, String name, ParseOptions options)
      throws CapvirtIoException, InvalidDefinitionException {
    try {
      if (file.equals("-")) {
        return Definitions.read(System.in, name, options);
      }
      Path p = Path.of(file);
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      if (a.isDirectory()) {
        throw new CapvirtIoException("cannot read " + file + ": it is a directory");
      }
      if (a.isRegularFile()) {
        Definitions.checkSize(a.size(), name, options);
      }
      // java.io, not Files.newInputStream: a FileChannel's first use loads two more native
      // libraries, ~1.2 ms of a create's main thread that the warm-up thread can pay later
      try (InputStream in = new FileInputStream(p.toFile())) {
        return Definitions.read(in, name, options);
      } catch (FileNotFoundException e) {
        // the attributes were readable, so the file was there: it refused us (or just went)
        throw Files.exists(p)
            ? new CapvirtIoException("cannot read " + file + ": permission denied")
            : new CapvirtIoException("cannot read " + file + ": no such file");
      }
    } catch (NoSuchFileException e) {
      throw new CapvirtIoException("cannot read " + file + ": no such file");
    } catch (AccessDeniedException e) {
      throw new CapvirtIoException("cannot read " + file + ": permission denied");
    } catch (IOException e) {
      throw new CapvirtIoException("cannot read " + file, e);
    }
  }
}
