package io.prodigy.testkit;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that hands a fresh {@link GitRepository} to every test, lifecycle method or constructor
 * parameter of that type, and deletes it when the test (or, for {@code @BeforeAll} and constructor parameters, the
 * test class) is done - whether the test passed or not. Each parameter gets its own repository.
 *
 * <pre>{@code
 * @ExtendWith(GitRepositoryExtension.class)
 * class MyWorkflowTest {
 *     @Test
 *     void runsInAScratchRepository(GitRepository repo) { ... }
 * }
 * }</pre>
 */
public final class GitRepositoryExtension implements ParameterResolver, AfterEachCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(GitRepositoryExtension.class);
    private static final String KEY = "repositories";

    /** Creates the extension; JUnit does this for {@code @ExtendWith}. */
    public GitRepositoryExtension() {}

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == GitRepository.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        GitRepository repo = GitRepository.create();
        // keyed by context: a store lookup also sees the enclosing contexts' values, which close later
        context.getStore(NAMESPACE)
                .computeIfAbsent(key(context), k -> new Opened(), Opened.class)
                .add(repo);
        return repo;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        closeOpened(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        closeOpened(context);
    }

    private static String key(ExtensionContext context) {
        return KEY + ":" + context.getUniqueId();
    }

    private static void closeOpened(ExtensionContext context) {
        Opened opened = context.getStore(NAMESPACE).remove(key(context), Opened.class);
        if (opened != null) {
            opened.closeAll();
        }
    }

    /** The repositories one extension context opened. */
    private static final class Opened {
        private final List<GitRepository> repositories = new ArrayList<>();

        synchronized void add(GitRepository repo) {
            repositories.add(repo);
        }

        synchronized void closeAll() {
            RuntimeException first = null;
            for (GitRepository r : repositories) {
                try {
                    r.close();
                } catch (RuntimeException e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
            repositories.clear();
            if (first != null) {
                throw first;
            }
        }
    }
}
