package io.prodigy.claude;

/**
 * Claude Code's permission modes ({@code --permission-mode}). In headless mode any tool call that would need a prompt
 * is denied silently, so an unattended agent that must edit files and run commands needs
 * {@link #BYPASS_PERMISSIONS} or {@link #ACCEPT_EDITS}/{@link #DONT_ASK} with an allowed-tools list.
 */
public enum PermissionMode {
    /** The CLI's default: asks, which headless means denied. */
    DEFAULT("default"),
    /** File edits are approved; other tools need an allowed-tools rule. */
    ACCEPT_EDITS("acceptEdits"),
    /** Plan only, no changes. */
    PLAN("plan"),
    /**
     * Everything is approved. The CLI refuses this mode when running as root unless {@code IS_SANDBOX=1} is set.
     */
    BYPASS_PERMISSIONS("bypassPermissions"),
    /** Only pre-approved rules run; nothing asks. */
    DONT_ASK("dontAsk"),
    /** A classifier decides; may abort a headless run after repeated blocks. */
    AUTO("auto");

    private final String cliValue;

    PermissionMode(String cliValue) {
        this.cliValue = cliValue;
    }

    /** @return the value passed to {@code --permission-mode}, e.g. {@code bypassPermissions} */
    public String cliValue() {
        return cliValue;
    }
}
