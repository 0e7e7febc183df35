package org.capvirt.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.capvirt.CapvirtIoException;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.ParsedDomain;
import org.capvirt.xml.DomainXmlParser;
import org.capvirt.xml.ParseOptions;

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
    return DomainXmlParser.parse(bytes(file, name, options), name, options);
  }

  private static byte[] bytes(String file, String name, ParseOptions options)
      throws CapvirtIoException, InvalidDefinitionException {
    int limit = options.maxBytes();
    try {
      if (file.equals("-")) {
        byte[] in = System.in.readNBytes(limit + 1);
        DomainXmlParser.checkSize(in.length, name, options);
        return in;
      }
      Path p = Path.of(file);
      if (Files.isDirectory(p)) {
        throw new CapvirtIoException("cannot read " + file + ": it is a directory");
      }
      if (Files.isRegularFile(p)) {
        DomainXmlParser.checkSize(Files.size(p), name, options);
      }
      try (InputStream in = Files.newInputStream(p)) {
        byte[] head = in.readNBytes(limit + 1);
        DomainXmlParser.checkSize(head.length, name, options);
        return head;
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
