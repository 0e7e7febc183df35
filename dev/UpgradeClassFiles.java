import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Build step of ./capvirt on JDK 24+ (java dev/UpgradeClassFiles.java IN_DIR OUT_DIR): copies each
 * jar of IN_DIR to OUT_DIR with its pre-Java-6 class files (picocli ships Java 5 ones) rewritten as
 * Java 8 class files with stack maps. The JVM's class-data archive and AOT cache skip old class
 * files, so without this picocli is loaded, parsed and verified from its jar on every start.
 * Nothing but the class file version and the added stack maps changes.
 */
public class UpgradeClassFiles {
  public static void main(String[] args) throws IOException {
    Path in = Path.of(args[0]);
    Path out = Path.of(args[1]);
    Files.createDirectories(out);
    List<URL> urls = new ArrayList<>();
    List<Path> jars;
    try (var s = Files.list(in)) {
      jars = s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
    }
    for (Path j : jars) {
      urls.add(j.toUri().toURL());
    }
    ClassLoader all = new URLClassLoader(urls.toArray(URL[]::new), null);
    ClassFile cf =
        ClassFile.of(
            ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
            ClassFile.ClassHierarchyResolverOption.of(
                ClassHierarchyResolver.defaultResolver()
                    .orElse(ClassHierarchyResolver.ofClassLoading(all))));
    for (Path j : jars) {
      int upgraded = 0;
      Path tmp = out.resolve(j.getFileName() + ".tmp");
      try (ZipFile z = new ZipFile(j.toFile());
          ZipOutputStream o = new ZipOutputStream(Files.newOutputStream(tmp))) {
        for (ZipEntry e : Collections.list(z.entries())) {
          byte[] b = z.getInputStream(e).readAllBytes();
          if (e.getName().endsWith(".class") && !e.getName().startsWith("META-INF/")) {
            ClassModel m = cf.parse(b);
            if (m.majorVersion() < ClassFile.JAVA_6_VERSION) {
              b =
                  cf.transformClass(
                      m,
                      ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
                          .andThen(
                              (cb, ce) -> {
                                if (ce instanceof ClassFileVersion) {
                                  cb.withVersion(ClassFile.JAVA_8_VERSION, 0);
                                } else {
                                  cb.with(ce);
                                }
                              }));
              upgraded++;
            }
          }
          o.putNextEntry(new ZipEntry(e.getName()));
          o.write(b);
          o.closeEntry();
        }
      }
      Files.move(tmp, out.resolve(j.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      System.out.println(j.getFileName() + ": " + upgraded + " class files upgraded");
    }
  }
}
