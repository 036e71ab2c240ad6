package io.mailgate.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real SMTP server (GreenMail) behind a small proxy that injects the faults a mail server shows:
 * an outage (every connection answered {@code 421} and closed), and refusals of chosen recipients at
 * RCPT TO, for good ({@code 550}) or for now ({@code 450}, a given number of times), and of whole
 * messages at DATA. Everything else
 * is passed through byte for byte; the message itself (after DATA) is never looked at.
 */
public final class SmtpFaults implements AutoCloseable {

    private final ServerSocket listener;
    private final int upstreamPort;
    private final Map<String, Refusal> refusals = new ConcurrentHashMap<>();
    private final Map<String, Refusal> dataRefusals = new ConcurrentHashMap<>();
    private final java.util.List<String> greetings = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean down;

    private record Refusal(String reply, AtomicInteger timesLeft) {
    }

    private SmtpFaults(int upstreamPort, javax.net.ServerSocketFactory sockets) throws IOException {
        this.upstreamPort = upstreamPort;
        this.listener = sockets.createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "smtp-faults");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy in front of the SMTP server on this port of 127.0.0.1. */
    public static SmtpFaults inFrontOf(int upstreamPort) {
        return inFrontOf(upstreamPort, javax.net.ServerSocketFactory.getDefault());
    }

    /**
     * The same, listening on sockets of this factory: with an SSLServerSocketFactory it is an SMTPS
     * server with the factory's certificate in front of a plain one.
     */
    public static SmtpFaults inFrontOf(int upstreamPort, javax.net.ServerSocketFactory sockets) {
        try {
            return new SmtpFaults(upstreamPort, sockets);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** While down, every new connection gets "421 4.3.2 Service not available" and is closed. */
    public void down(boolean down) {
        this.down = down;
    }

    /** RCPT TO this address is answered with the reply (e.g. "550 5.1.1 No such user") the next {@code times} times. */
    public void refuse(String address, String reply, int times) {
        refusals.put(address.toLowerCase(Locale.ROOT), new Refusal(reply, new AtomicInteger(times)));
    }

    /**
     * DATA is answered with the reply (e.g. "554 5.7.1 Spam") the next {@code times} times a message to
     * this address is sent: the whole message is refused, after its recipients were accepted.
     */
    public void refuseData(String address, String reply, int times) {
        dataRefusals.put(address.toLowerCase(Locale.ROOT), new Refusal(reply, new AtomicInteger(times)));
    }

    /** The EHLO/HELO lines clients sent, as sent. */
    public java.util.List<String> greetings() {
        return java.util.List.copyOf(greetings);
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Thread connection = new Thread(() -> serve(client), "smtp-faults-connection");
                connection.setDaemon(true);
                connection.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            if (down) {
                client.getOutputStream().write("421 4.3.2 Service not available\r\n".getBytes(StandardCharsets.US_ASCII));
                client.getOutputStream().flush();
                return;
            }
            try (Socket server = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
                OutputStream toClient = client.getOutputStream();
                Thread replies = new Thread(() -> pump(server, toClient), "smtp-faults-replies");
                replies.setDaemon(true);
                replies.start();
                relayCommands(client.getInputStream(), server.getOutputStream(), toClient);
            }
        } catch (IOException ignored) {
            // the client or the server went away
        }
    }

    /** Client to server, line by line outside DATA, so that a refused RCPT TO can be answered here. */
    private void relayCommands(InputStream fromClient, OutputStream toServer, OutputStream toClient) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(fromClient, StandardCharsets.ISO_8859_1));
        boolean inData = false;
        java.util.List<String> transaction = new java.util.ArrayList<>();
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (!inData) {
                String upper = line.toUpperCase(Locale.ROOT);
                if (upper.startsWith("MAIL FROM:") || upper.equals("RSET")) {
                    transaction.clear();
                }
                if (upper.startsWith("RCPT TO:")) {
                    transaction.add(line.substring(line.indexOf('<') + 1, line.indexOf('>')).toLowerCase(Locale.ROOT));
                }
                if (upper.equals("DATA")) {
                    Refusal refusal = transaction.stream().map(dataRefusals::get).filter(r -> r != null && r.timesLeft().getAndDecrement() > 0)
                            .findFirst().orElse(null);
                    if (refusal != null) {
                        // Answered here; the server keeps the transaction open until the client's RSET or QUIT.
                        synchronized (toClient) {
                            toClient.write((refusal.reply() + "\r\n").getBytes(StandardCharsets.US_ASCII));
                            toClient.flush();
                        }
                        transaction.clear();
                        continue;
                    }
                }
                if (upper.startsWith("EHLO ") || upper.startsWith("HELO ")) {
                    greetings.add(line);
                }
                if (upper.startsWith("RCPT TO:")) {
                    String address = line.substring(line.indexOf('<') + 1, line.indexOf('>')).toLowerCase(Locale.ROOT);
                    Refusal refusal = refusals.get(address);
                    if (refusal != null && refusal.timesLeft().getAndDecrement() > 0) {
                        synchronized (toClient) {
                            toClient.write((refusal.reply() + "\r\n").getBytes(StandardCharsets.US_ASCII));
                            toClient.flush();
                        }
                        continue;
                    }
                }
                inData = upper.equals("DATA");
            } else if (line.equals(".")) {
                inData = false;
            }
            toServer.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            toServer.flush();
        }
    }

    private static void pump(Socket server, OutputStream toClient) {
        byte[] buffer = new byte[8192];
        try {
            InputStream in = server.getInputStream();
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                synchronized (toClient) {
                    toClient.write(buffer, 0, n);
                    toClient.flush();
                }
            }
        } catch (IOException ignored) {
            // closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
