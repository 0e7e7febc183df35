package org.capvirt.convert;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * convert is pure (host facts come in as values) and reads the core's pure layers only; each format
 * stands alone, sharing only {@code common} and the entry package.
 */
class ArchitectureTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("org.capvirt.convert");

  private static final String[] FORMATS = {"docker", "k8s", "lxc", "oci", "nspawn"};

  @Test
  void convertDoesNoIo() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.nio.file.Files")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.lang.ProcessBuilder")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.io.FileInputStream")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.io.FileOutputStream")
        .orShould()
        .callMethod(System.class, "getenv", String.class)
        .orShould()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .dependOnClassesThat()
        .resideInAnyPackage("org.capvirt.runtime..", "org.capvirt.driver..", "org.capvirt.host..")
        .because("convert is pure: host facts and input text come in as values")
        .check(MAIN);
  }

  @Test
  void eachFormatStandsAlone() {
    for (String f : FORMATS) {
      String[] others =
          java.util.Arrays.stream(FORMATS)
              .filter(o -> !o.equals(f))
              .map(o -> "org.capvirt.convert." + o + "..")
              .toArray(String[]::new);
      noClasses()
          .that()
          .resideInAPackage("org.capvirt.convert." + f + "..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(others)
          .because("a format shares only org.capvirt.convert and its common package")
          .check(MAIN);
    }
  }
}
