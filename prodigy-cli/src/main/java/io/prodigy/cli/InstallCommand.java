package io.prodigy.cli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prodigy install}: puts a {@code prodigy} launcher on the PATH. */
@Command(
        name = "install",
        mixinStandardHelpOptions = true,
        description = {
            "Installs this prodigy: copies its jar to PREFIX/lib/prodigy/prodigy.jar and writes the "
                    + "launcher PREFIX/bin/prodigy (default PREFIX: ~/.local), so that 'prodigy' works in any "
                    + "directory. Run it again to update; it says how to put PREFIX/bin on the PATH when it is not.",
            "From a clone: ./prodigy install (it builds the jar first when needed)."
        },
        footer = ExitCodes.HELP)
final class InstallCommand implements Callable<Integer> {
    @Option(names = "--prefix", paramLabel = "DIR", description = "Where to install (default ~/.local).")
    Path prefix;

    @Override
    public Integer call() {
        Path jar = ownJar();
        Path base = (prefix != null ? prefix : Path.of(System.getProperty("user.home"), ".local"))
                .toAbsolutePath()
                .normalize();
        Path lib = base.resolve("lib").resolve("prodigy").resolve("prodigy.jar");
        Path launcher = base.resolve("bin").resolve("prodigy");
        try {
            Files.createDirectories(lib.getParent());
            Files.createDirectories(launcher.getParent());
            if (!jar.equals(lib)) {
                Path partial = lib.resolveSibling("prodigy.jar.partial");
                Files.copy(jar, partial, StandardCopyOption.REPLACE_EXISTING);
                Files.move(partial, lib, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.writeString(launcher, launcher(lib), StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the launcher is a sh script there anyway
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install into " + base + ": " + e.getMessage(), e);
        }
        System.out.println("Installed " + launcher + " (it runs " + lib + ")");
        String path = System.getenv("PATH");
        boolean onPath = path != null
                && Arrays.stream(path.split(File.pathSeparator))
                        .anyMatch(d -> !d.isEmpty()
                                && Path.of(d).toAbsolutePath().normalize().equals(launcher.getParent()));
        if (!onPath) {
            System.out.println(launcher.getParent() + " is not on your PATH; add it, for example:");
            System.out.println(
                    "  echo 'export PATH=\"" + launcher.getParent() + ":$PATH\"' >> ~/.profile && . " + "~/.profile");
        } else {
            System.out.println("Try it: prodigy --version");
        }
        return ExitCodes.OK;
    }

    static String launcher(Path jar) {
        return "#!/bin/sh\n"
                + "# The prodigy command, written by 'prodigy install'. Java 17+ from JAVA_HOME, else from the PATH.\n"
                + "if [ -n \"${JAVA_HOME:-}\" ] && [ -x \"$JAVA_HOME/bin/java\" ]; then JAVA=\"$JAVA_HOME/bin/java\"; "
                + "else JAVA=java; fi\n"
                + "exec \"$JAVA\" -jar '" + jar.toString().replace("'", "'\\''") + "' \"$@\"\n";
    }

    private static Path ownJar() {
        try {
            Path p = Path.of(InstallCommand.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            if (!Files.isRegularFile(p) || !p.getFileName().toString().endsWith(".jar")) {
                throw new CliException(
                        ExitCodes.FAILED,
                        "prodigy install copies the prodigy jar, but this prodigy "
                                + "runs from " + p
                                + "; build the jar (mvn -B -pl prodigy-cli -am package -DskipTests) and "
                                + "run: java -jar prodigy-cli/target/prodigy.jar install");
            }
            return p;
        } catch (URISyntaxException | SecurityException e) {
            throw new CliException(ExitCodes.FAILED, "cannot find the prodigy jar: " + e.getMessage());
        }
    }
}
