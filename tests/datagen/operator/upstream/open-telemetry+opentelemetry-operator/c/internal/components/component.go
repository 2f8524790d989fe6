package components

var (
	GrpcProtocol = "grpc"
	HttpProtocol = "http"
	UnsetPort    int32
)
