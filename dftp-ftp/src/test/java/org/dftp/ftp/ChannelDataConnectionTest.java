package org.dftp.ftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ftpserver.DataConnectionConfigurationFactory;
import org.apache.ftpserver.ftplet.DataConnection;
import org.apache.ftpserver.ftplet.DataType;
import org.apache.ftpserver.impl.DefaultFtpSession;
import org.apache.ftpserver.impl.FtpIoSession;
import org.apache.mina.core.session.DummySession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data connection on its own, over a real loopback socket: what reaches the client for each kind
 * of source and type, and which side a failure is blamed on.
 */
class ChannelDataConnectionTest {
    private static final byte[] DATA = TestDfs.random(3_000_000, 21);

    @TempDir
    Path dir;
    private ChannelDataConnectionFactory factory;
    private FtpIoSession control;
    private DefaultFtpSession session;
    private Socket client;

    @BeforeEach
    void open() {
        DummySession io = new DummySession();
        InetAddress loopback = InetAddress.getLoopbackAddress();
        io.setLocalAddress(new InetSocketAddress(loopback, 2121));
        io.setRemoteAddress(new InetSocketAddress(loopback, 40000));
        DataConnectionConfigurationFactory config = new DataConnectionConfigurationFactory();
        config.setIdleTime(10);
        ChannelDataConnectionFactory.install(io, config.createDataConnectionConfiguration());
        factory = (ChannelDataConnectionFactory) io.getAttribute(ChannelDataConnectionFactory.ATTRIBUTE);
        control = new FtpIoSession(io, null);
        session = new DefaultFtpSession(control);
        control.setDataType(DataType.BINARY);
    }

    @AfterEach
    void close() throws IOException {
        factory.closeDataConnection();
        if (client != null) {
            client.close();
        }
    }

    /** PASV, the client connects, the server accepts. */
    private DataConnection connect() throws Exception {
        InetSocketAddress passive = factory.initPassiveDataConnection();
        client = new Socket(passive.getAddress(), passive.getPort());
        client.setSoTimeout(10_000);
        return factory.openConnection();
    }

    /** Runs the server side of a download while the test reads what the client gets. */
    private byte[] download(DataConnection data, InputStream source) throws Exception {
        CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() -> {
            try {
                long n = data.transferToClient(session, source);
                factory.closeDataConnection();
                return n;
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        byte[] received = client.getInputStream().readAllBytes();
        sent.get(10, TimeUnit.SECONDS);
        return received;
    }

    private LocalFileStream localFile(byte[] content, long position) throws IOException {
        Path file = dir.resolve("f.bin");
        Files.write(file, content);
        FileChannel channel = FileChannel.open(file);
        channel.position(position);
        return new LocalFileStream(channel);
    }

    @Test
    void aLocalFileGoesFromItsPositionToItsEnd() throws Exception {
        DataConnection data = connect();
        assertArrayEquals(Arrays.copyOfRange(DATA, 1_234_567, DATA.length), download(data, localFile(DATA, 1_234_567)));
        assertEquals(DATA.length - 1_234_567, control.getWrittenBytes(), "the session counts what was sent");
    }

    @Test
    void aLocalFilePositionedPastItsEndSendsNothing() throws Exception {
        DataConnection data = connect();
        assertArrayEquals(new byte[0], download(data, localFile(DATA, DATA.length + 10)));
    }

    @Test
    void lentBuffersAndPlainStreamsArriveWhole() throws Exception {
        assertArrayEquals(DATA, download(connect(), new Lending(DATA, 70_000)));
        client.close();
        assertArrayEquals(DATA, download(connect(), new ByteArrayInputStream(DATA)));
    }

    @Test
    void asciiAddsACrToBareLineFeedsForEverySource() throws Exception {
        control.setDataType(DataType.ASCII);
        byte[] text = "a\nb\r\n\nc".getBytes(StandardCharsets.US_ASCII);
        byte[] wire = "a\r\nb\r\n\r\nc".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(wire, download(connect(), localFile(text, 0)));
        client.close();
        assertArrayEquals(wire, download(connect(), new Lending(text, 2)));
        client.close();
        assertArrayEquals(wire, download(connect(), new ByteArrayInputStream(text)));
    }

    @Test
    void asciiUploadsTurnEveryLineEndIntoThisSystems() throws Exception {
        control.setDataType(DataType.ASCII);
        DataConnection data = connect();
        try (OutputStream out = client.getOutputStream()) {
            out.write("a\r\nb\nc\rd".getBytes(StandardCharsets.US_ASCII));
        }
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        assertEquals(8, data.transferFromClient(session, file));
        String eol = System.lineSeparator();
        assertEquals("a" + eol + "b" + eol + "c" + eol + "d", file.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void aClientThatGoesAwayIsTheDataConnectionsFailure() throws Exception {
        for (Source source : new Source[] {() -> localFile(DATA, 0), () -> new Lending(DATA, 65_536),
                () -> new ByteArrayInputStream(DATA)}) {
            DataConnection data = connect();
            client.setSoLinger(true, 0);
            client.close(); // reset: every later write fails
            assertThrows(SocketException.class, () -> {
                for (int i = 0; i < 100; i++) { // the first sends may still fit in the socket buffer
                    data.transferToClient(session, source.open());
                }
            });
        }
    }

    /** A fresh source for each attempt. */
    private interface Source {
        InputStream open() throws IOException;
    }

    @Test
    void aSourceThatFailsIsTheFilesFailureNotTheConnections() throws Exception {
        DataConnection data = connect();
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new SocketException("the owner reset the connection");
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return read();
            }
        };
        IOException e = assertThrows(IOException.class, () -> data.transferToClient(session, broken));
        assertFalse(e instanceof SocketException, "answered 551, not 426: " + e);
        assertEquals(-1, client.getInputStream().read(), "the data connection was closed");
    }

    @Test
    void closingTheDataConnectionEndsASendfileBlockedOnAClientThatStoppedReading() throws Exception {
        Path sparse = dir.resolve("sparse.bin");
        try (FileChannel f = FileChannel.open(sparse, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            f.write(ByteBuffer.wrap(new byte[1]), (1L << 30) - 1);
        }
        DataConnection data = connect();
        CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() -> {
            try {
                return data.transferToClient(session, new LocalFileStream(FileChannel.open(sparse)));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        assertEquals(1000, client.getInputStream().readNBytes(1000).length);
        Thread.sleep(200); // the socket buffers fill and sendfile blocks
        assertFalse(sent.isDone());
        long started = System.nanoTime();
        factory.closeDataConnection();
        ExecutionException failed = assertThrows(ExecutionException.class, () -> sent.get(5, TimeUnit.SECONDS));
        assertInstanceOf(SocketException.class, failed.getCause().getCause());
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(3).toNanos());
    }

    @Test
    void aSourceWithItsOwnWayIsHandedTheChannelAndItsCloseWaitsUntilItReturns() throws Exception {
        DataConnection data = connect();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        AtomicReference<SocketChannel> handed = new AtomicReference<>();
        AtomicBoolean openAfterClose = new AtomicBoolean();
        class Splicing extends Lending {
            Splicing() {
                super(DATA, 1000);
            }

            @Override
            public long transferTo(SocketChannel target, java.util.function.LongConsumer progress) throws IOException {
                handed.set(target);
                target.write(ByteBuffer.wrap(DATA, 0, 10));
                progress.accept(10);
                inside.countDown();
                try {
                    closed.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
                // a transfer writing by descriptor number must still own it: closed, the number could be reused
                openAfterClose.set(target.isOpen());
                return 10;
            }
        }
        CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() -> {
            try {
                return data.transferToClient(session, new Splicing());
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        assertTrue(inside.await(5, TimeUnit.SECONDS));
        factory.closeDataConnection(); // e.g. ABOR or the session's end, from another thread
        assertTrue(handed.get().isOpen(), "closed under a running transfer");
        closed.countDown();
        assertEquals(10L, sent.get(5, TimeUnit.SECONDS));
        assertTrue(openAfterClose.get());
        assertFalse(handed.get().isOpen(), "closed once the transfer returned");
        assertEquals(10, control.getWrittenBytes());
        assertArrayEquals(Arrays.copyOf(DATA, 10), client.getInputStream().readAllBytes());
    }

    @Test
    void openingWithoutPasvOrPortFails() {
        assertThrows(IOException.class, factory::openConnection);
    }

    /** A stream that lends its bytes in buffers of {@code chunk} bytes, through a direct buffer. */
    private static class Lending extends ByteArrayInputStream implements ByteBufferSource {
        private final ByteBuffer buffer;

        Lending(byte[] bytes, int chunk) {
            super(bytes);
            buffer = ByteBuffer.allocateDirect(chunk);
        }

        @Override
        public ByteBuffer nextBuffer() {
            int n = Math.min(buffer.capacity(), count - pos);
            if (n <= 0) {
                return null;
            }
            buffer.clear().put(buf, pos, n).flip();
            pos += n;
            return buffer;
        }
    }
}
