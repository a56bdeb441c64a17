/**
 * The FTP public interface of a dftp node: Apache MINA FtpServer over the DFS tree, read-only, with
 * anonymous login.
 *
 * <p>The node builds a {@link org.dftp.ftp.DfsFtpServer} from {@link org.dftp.ftp.FtpOptions} (its
 * {@code -ftp-*} flags), a supplier of the latest tree snapshot, its {@code LocalRoot}, and a
 * {@link org.dftp.ftp.RemoteFileSource} backed by its peer client. Everything else is package-private:
 * the file system view and files, the Ftplets that refuse bad input with a reason, and the {@code LIST}
 * format. Parameters and return values are never null unless their documentation says so.
 */
package org.dftp.ftp;
