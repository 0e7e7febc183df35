package org.capvirt;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Guards the one-way data flow: everything up to {@code oci} is pure. */
class ArchitectureTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("org.capvirt");

  private static final String[] PURE = {
    "org.capvirt.model..",
    "org.capvirt.xml..",
    "org.capvirt.caps..",
    "org.capvirt.devices..",
    "org.capvirt.oci..",
    "org.capvirt.plan..",
    "org.capvirt.audit..",
    "org.capvirt.verify..",
    "org.capvirt.net.."
  };

  @Test
  void purePackagesDoNoIo() {
    noClasses()
        .that()
        .resideInAnyPackage(PURE)
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
        .dependOnClassesThat()
        .resideInAPackage("java.lang.foreign..")
        .orShould()
        .callMethod(System.class, "getenv", String.class)
        .orShould()
        .callMethod(System.class, "currentTimeMillis")
        .because(
            "model, xml, caps, devices, oci, plan, audit, verify and net are pure: host facts come in")
        .allowEmptyShould(true)
        .check(MAIN);
  }

  @Test
  void dataFlowsOneWay() {
    noClasses()
        .that()
        .resideInAnyPackage(PURE)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.capvirt.runtime..", "org.capvirt.driver..", "org.capvirt.host..")
        .because("xml → model → caps, devices → oci → plan → runtime → driver")
        .allowEmptyShould(true)
        .check(MAIN);
  }

  @Test
  void modelDependsOnNothingAbove() {
    noClasses()
        .that()
        .resideInAPackage("org.capvirt.model..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.capvirt.xml..", "org.capvirt.caps..", "org.capvirt.devices..", "org.capvirt.oci..")
        .allowEmptyShould(true)
        .check(MAIN);
  }
}
