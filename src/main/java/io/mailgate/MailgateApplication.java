package io.mailgate;

import org.apache.camel.main.Main;

/** Starts Mailgate: {@code java -jar target/mailgate.jar}. */
public final class MailgateApplication {

    private MailgateApplication() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main();
        main.configure().addConfiguration(MailgateConfiguration.class);
        int code = main.run(args);
        // Broker and HTTP threads must not keep a failed or stopped gateway alive.
        System.exit(code);
    }
}
