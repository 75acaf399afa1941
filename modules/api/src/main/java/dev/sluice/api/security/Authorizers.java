package dev.sluice.api.security;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Finds the {@link Authorizer} {@code authorizer.class.name} names among the installed ones
 * ({@link ServiceLoader}: {@code provides} on the module path, {@code META-INF/services} on the class
 * path): by the class's name, or by one of its aliases. Stateless; any thread.
 */
public final class Authorizers {
    private Authorizers() {
    }

    /**
     * A new, not yet started authorizer.
     *
     * @throws IllegalArgumentException if none is installed under that name (the message names those that are)
     */
    public static Authorizer load(String name) {
        List<String> known = new ArrayList<>();
        for (ServiceLoader.Provider<Authorizer> provider : ServiceLoader.load(Authorizer.class).stream().toList()) {
            if (provider.type().getName().equals(name)) {
                return provider.get();
            }
            Authorizer candidate = provider.get();
            if (candidate.aliases().contains(name)) {
                return candidate;
            }
            known.add(provider.type().getName() + (candidate.aliases().isEmpty() ? "" : " " + candidate.aliases()));
        }
        throw new IllegalArgumentException("authorizer.class.name=" + name + ": no such authorizer is installed (installed: "
                + (known.isEmpty() ? "none" : String.join(", ", known)) + "); a plugin's jar goes on the module path");
    }
}
