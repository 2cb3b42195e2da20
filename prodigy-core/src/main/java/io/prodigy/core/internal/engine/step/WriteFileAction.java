package io.prodigy.core.internal.engine.step;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.FileFormat;
import io.prodigy.api.ProdigyException;
import io.prodigy.api.StepAction;
import io.prodigy.core.internal.Json;
import io.prodigy.core.internal.interpolate.Interpolator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;

/**
 * Runs a {@code write_file:} step: writes the interpolated content (re-indented when its format is JSON) to a path
 * inside the workspace, with its mode, and sets {@code ${write_file.output}} to the file's path.
 */
final class WriteFileAction implements StepActionHandler<StepAction.WriteFile> {

    @Override
    public Class<StepAction.WriteFile> kind() {
        return StepAction.WriteFile.class;
    }

    @Override
    public StepOutcome run(StepAction.WriteFile wf, ActionContext context) {
        String where = context.where();
        String label = context.label();
        StepScope scope = context.scope();
        String pathText = Interpolator.interpolate(wf.path(), scope.vars(), Interpolator.Quoting.NONE, where);
        String content = Interpolator.interpolate(wf.content(), scope.vars(), Interpolator.Quoting.NONE, where);
        Path target;
        try {
            target = ActionContext.resolveInside(scope.workspace().directory(), pathText, "write_file path", where);
        } catch (ProdigyException e) {
            return StepOutcome.failure(ErrorKind.CONFIGURATION, e.getMessage(), label, Duration.ZERO);
        }
        if (wf.format() == FileFormat.JSON) {
            try {
                content = Json.MAPPER.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(Json.parse(content))
                        + "\n";
            } catch (JsonProcessingException e) {
                return StepOutcome.failure(
                        ErrorKind.COMMAND_FAILED,
                        "write_file " + pathText + ": content is not valid JSON: " + e.getOriginalMessage(),
                        label,
                        Duration.ZERO);
            }
        }
        try {
            Path parent = target.getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                if (!wf.createDirs()) {
                    return StepOutcome.failure(
                            ErrorKind.COMMAND_FAILED,
                            "write_file " + pathText + ": directory " + parent
                                    + " does not exist (set create_dirs: true)",
                            label,
                            Duration.ZERO);
                }
                Files.createDirectories(parent);
            }
            Files.writeString(target, content, StandardCharsets.UTF_8);
            if (wf.mode() != null) {
                Files.setPosixFilePermissions(target, permissions(wf.mode()));
            }
        } catch (IOException | UnsupportedOperationException e) {
            return StepOutcome.failure(
                    ErrorKind.COMMAND_FAILED, "write_file " + pathText + " failed: " + e, label, Duration.ZERO);
        }
        scope.vars().putString("write_file.output", target.toString());
        return new StepOutcome(true, false, 0, target.toString(), "", Duration.ZERO, null, null);
    }

    /** @param octal a mode such as {@code 0644} @return its permissions */
    static Set<PosixFilePermission> permissions(String octal) {
        int mode = Integer.parseInt(octal, 8);
        StringBuilder sb = new StringBuilder(9);
        String chars = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            sb.append((mode & (1 << (8 - i))) != 0 ? chars.charAt(i) : '-');
        }
        return PosixFilePermissions.fromString(sb.toString());
    }
}
