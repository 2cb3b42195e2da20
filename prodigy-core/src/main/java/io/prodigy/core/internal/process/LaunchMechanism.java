package io.prodigy.core.internal.process;

import java.util.Locale;

/**
 * Chooses how the JDK starts child processes, once per JVM, before the first start. On Linux the JDK's default
 * ({@code POSIX_SPAWN}) starts every child through its {@code jspawnhelper} program, which then execs the command:
 * one exec more per process, about a millisecond of CPU each on a small VM, as much as the command
 * {@code sh -c true} itself. {@code VFORK} (the JDK's default on Linux up to JDK 11) execs the command directly.
 * Prodigy selects it through the JDK's system property {@value #JDK_PROPERTY} when that property is not set, the
 * JDK is older than 23 (which deprecates the mode and warns when it is used) and the system property or
 * environment variable {@value #PROPERTY} / {@value #VARIABLE} is not {@code jdk} (keep the JDK's choice). The JDK
 * reads the property when it starts its first child process, so a host application that started one before has
 * its own choice kept.
 */
final class LaunchMechanism {
    /** The JDK's system property. */
    static final String JDK_PROPERTY = "jdk.lang.Process.launchMechanism";
    /** Prodigy's switch: {@code jdk} keeps the JDK's mechanism, {@code auto} (the default) prefers VFORK. */
    static final String PROPERTY = "prodigy.process.launch";
    /** The environment variable of the same switch. */
    static final String VARIABLE = "PRODIGY_PROCESS_LAUNCH";

    private LaunchMechanism() {}

    /** Selects VFORK where it applies (see the class description); does nothing otherwise. Idempotent. */
    static synchronized void prefer() {
        String choice = System.getProperty(PROPERTY, System.getenv(VARIABLE));
        if (applies(
                System.getProperty("os.name", ""),
                Runtime.version().feature(),
                System.getProperty(JDK_PROPERTY),
                choice)) {
            System.setProperty(JDK_PROPERTY, "VFORK");
        }
    }

    /**
     * @param osName the {@code os.name} property
     * @param jdkFeature the JDK's feature release
     * @param current the JDK property's current value, or null
     * @param choice Prodigy's switch, or null
     * @return whether to select VFORK
     */
    static boolean applies(String osName, int jdkFeature, String current, String choice) {
        return osName.toLowerCase(Locale.ROOT).contains("linux")
                && jdkFeature < 23
                && current == null
                && (choice == null || !choice.strip().equalsIgnoreCase("jdk"));
    }
}
