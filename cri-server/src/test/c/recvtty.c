/* Test-side console socket server: accepts one connection on argv[1], receives the
 * pty master with SCM_RIGHTS, and copies whatever the container writes to the
 * terminal to stdout until the terminal closes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct sockaddr_un addr = {0};
    char byte, cbuf[CMSG_SPACE(sizeof(int))], buf[4096];
    struct iovec iov = {&byte, 1};
    struct msghdr msg = {0};
    struct cmsghdr *c;
    int s, conn, master;
    ssize_t n;

    if (argc != 2 || strlen(argv[1]) >= sizeof addr.sun_path) {
        fprintf(stderr, "usage: recvtty SOCKET\n");
        return 2;
    }
    addr.sun_family = AF_UNIX;
    strcpy(addr.sun_path, argv[1]);
    s = socket(AF_UNIX, SOCK_STREAM, 0);
    if (s < 0 || bind(s, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(s, 1) < 0) {
        perror("recvtty: listen");
        return 1;
    }
    printf("listening\n");
    fflush(stdout);
    conn = accept(s, NULL, NULL);
    if (conn < 0) {
        perror("recvtty: accept");
        return 1;
    }
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = cbuf;
    msg.msg_controllen = sizeof cbuf;
    if (recvmsg(conn, &msg, 0) <= 0 || !(c = CMSG_FIRSTHDR(&msg)) || c->cmsg_type != SCM_RIGHTS) {
        fprintf(stderr, "recvtty: no fd received\n");
        return 1;
    }
    memcpy(&master, CMSG_DATA(c), sizeof master);
    printf("received\n");
    fflush(stdout);
    while ((n = read(master, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0)
            fwrite(buf, 1, (size_t)n, stdout);
    fflush(stdout);
    return 0;
}
