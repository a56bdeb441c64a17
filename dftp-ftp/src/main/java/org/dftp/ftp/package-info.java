/**
 * The FTP public interface of a dftp node: Apache MINA FtpServer over the DFS tree, read-only with
 * anonymous logins, or taking writes from the users of a users file.
 *
 * <p>The node builds a {@link org.dftp.ftp.DfsFtpServer} from {@link org.dftp.ftp.FtpOptions} (its
 * {@code -ftp-*} flags), a supplier of the latest tree snapshot, its {@code LocalRoot}, a
 * {@link org.dftp.ftp.RemoteFileSource} backed by its peer client, and {@link org.dftp.ftp.FtpWrites}: its
 * {@code LocalWrites}, a {@link org.dftp.ftp.RemoteWrites} that forwards writes to other nodes, its users
 * and the login throttle. Everything else is package-private: the file system view and files, the write
 * commands and the one place that checks and routes writes ({@code DfsWrites}) and the one that turns
 * their failures into replies ({@code WriteReplies}), the Ftplets that refuse bad input with a reason, and
 * the {@code LIST} format. Parameters and return values are never null unless their documentation says so.
 */
package org.dftp.ftp;
