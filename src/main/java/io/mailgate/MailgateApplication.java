package io.mailgate;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

import org.apache.camel.main.Main;

import io.mailgate.platform.RouteFiles;

/** Starts Mailgate: {@code java -jar target/mailgate.jar}. */
public final class MailgateApplication {

    private static final String ROUTES = "camel.main.routes-include-pattern";

    private MailgateApplication() {
    }

    public static void main(String[] args) {
        int code;
        try {
            code = newMain().run(args);
        } catch (Exception | Error e) {
            // A start that fails while the wiring runs (the embedded broker already starting beside it).
            e.printStackTrace();
            code = 1;
        }
        // Broker and HTTP threads must not keep a failed or stopped gateway alive.
        System.exit(code);
    }

    /** Camel's main with Mailgate's configuration and its route files named one by one (see {@link RouteFiles}). */
    public static Main newMain() {
        Main main = new Main();
        main.configure().addConfiguration(MailgateConfiguration.class);
        // A pattern set from outside (environment, system property) is left for Camel to scan.
        if (System.getenv("CAMEL_MAIN_ROUTESINCLUDEPATTERN") == null && System.getProperty(ROUTES) == null) {
            main.addOverrideProperty(ROUTES, RouteFiles.expand(packagedRoutePatterns(), RouteFiles.codeSource()));
        }
        return main;
    }

    private static String packagedRoutePatterns() {
        Properties properties = new Properties();
        try (InputStream in = MailgateApplication.class.getResourceAsStream("/application.properties")) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty(ROUTES);
    }
}
