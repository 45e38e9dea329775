package dev.streamkit.connect.s3;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Writes an object the way the local object store does (packages/local/src/s3/object-store.ts): the body goes to
 * {@code <store>/.tmp/<uuid>}, is forced to disk, then renamed over {@code <bucket>/<key>} and the directory is forced
 * too. A crash leaves the whole object or none, and once {@link #write} returns the object survives a power cut — which
 * is what lets the task report its offset to Connect for committing.
 */
final class DurableObjects {
  private DurableObjects() {}

  static void write(Path temporaryDirectory, Path target, byte[] body) throws IOException {
    Files.createDirectories(temporaryDirectory);
    Files.createDirectories(target.getParent());
    Path temporary = temporaryDirectory.resolve(UUID.randomUUID().toString());
    try {
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(body);
        while (buffer.hasRemaining()) channel.write(buffer);
        channel.force(true);
      }
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
    forceDirectory(target.getParent());
  }

  /** Flushes a directory entry after a rename, where the platform allows opening a directory (Linux does). */
  private static void forceDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException ignored) {
      // Not every platform lets a directory be opened; the rename itself is still atomic.
    }
  }
}
