package dev.vigil.runtime.transport.tcp;

import java.util.function.Consumer;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.parsetools.RecordParser;

/**
 * Cuts a connection's bytes into frames ({@link TcpWire}): a length, then that many bytes, handed on
 * without the length. A length outside {@code [HEADER, MAX_FRAME]} is a peer that does not speak the
 * protocol; {@code onBadFrame} is told once and nothing more is parsed.
 */
final class FrameParser implements Handler<Buffer> {

    private final RecordParser parser = RecordParser.newFixed(4);
    private boolean readingLength = true;
    private boolean broken;

    FrameParser(Consumer<Buffer> onFrame, Consumer<String> onBadFrame) {
        parser.handler(chunk -> {
            if (broken) {
                return;
            }
            if (readingLength) {
                int length = chunk.getInt(0);
                if (length < TcpWire.HEADER || length > TcpWire.MAX_FRAME) {
                    broken = true;
                    onBadFrame.accept("bad frame length " + length);
                    return;
                }
                readingLength = false;
                parser.fixedSizeMode(length);
            } else {
                readingLength = true;
                parser.fixedSizeMode(4);
                onFrame.accept(chunk);
            }
        });
    }

    @Override
    public void handle(Buffer bytes) {
        if (!broken) {
            parser.handle(bytes);
        }
    }
}
